/**
 * The failure rate over the last N outcomes, in constant time per outcome.
 *
 * @module
 */

/**
 * The last `capacity` outcomes (success or failure), oldest overwritten first.
 *
 * @example
 * const outcomes = new OutcomeWindow(100);
 * outcomes.record(false);
 * outcomes.failureRate; // 1
 */
export class OutcomeWindow {
  /** How many outcomes the window holds at most. */
  readonly capacity: number;
  readonly #failed: boolean[] = [];
  #next = 0;
  #failures = 0;

  /** @param capacity - how many outcomes to keep (an integer >= 1, checked by the caller). */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Outcomes in the window. */
  get size(): number {
    return this.#failed.length;
  }

  /** Failures among the outcomes in the window, from 0 to 1; `NaN` when empty. */
  get failureRate(): number {
    return this.#failed.length === 0 ? Number.NaN : this.#failures / this.#failed.length;
  }

  /** Adds an outcome, dropping the oldest once the window is full. */
  record(ok: boolean): void {
    if (this.#failed.length < this.capacity) {
      this.#failed.push(!ok);
    } else {
      if (this.#failed[this.#next] === true) this.#failures--;
      this.#failed[this.#next] = !ok;
    }
    if (!ok) this.#failures++;
    this.#next = (this.#next + 1) % this.capacity;
  }
}
