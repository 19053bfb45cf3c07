/**
 * One timer that many promises race against.
 *
 * @module
 */

/** What {@link Deadline.race} resolves to once the time is up. */
export const EXPIRED: unique symbol = Symbol('expired');

/**
 * A deadline shared by all the work of one server in one cycle: a single
 * timer, however many captures race it.
 *
 * @internal
 * @example
 * const deadline = new Deadline(5_000);
 * const lines = await deadline.race(client.capturePane(paneId)); // EXPIRED when late
 * deadline.clear();
 */
export class Deadline {
  readonly #expired: Promise<typeof EXPIRED>;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#expired = new Promise((resolve) => {
      this.#timer = setTimeout(() => resolve(EXPIRED), ms);
    });
  }

  /** `work`'s result, or {@link EXPIRED} if the deadline passes first (a late rejection is then ignored). */
  race<T>(work: Promise<T>): Promise<T | typeof EXPIRED> {
    work.catch(() => undefined);
    return Promise.race([work, this.#expired]);
  }

  /** Stops the timer. */
  clear(): void {
    clearTimeout(this.#timer);
  }
}
