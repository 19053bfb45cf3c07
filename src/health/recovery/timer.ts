/**
 * A timer for a point in time, however far away (`setTimeout` alone fires at
 * once for delays over about 24.8 days).
 *
 * @internal
 */

/** The longest delay `setTimeout` takes. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `fire` at `at` (ms since the epoch; at once when it has passed) and
 * returns a function that cancels it. The timer does not keep the process
 * alive by itself.
 */
export function timerAt(at: number, fire: () => void, now: () => number = Date.now): () => void {
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const wait = at - now();
    handle = wait > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fire, Math.max(0, wait));
    handle.unref();
  };
  arm();
  return () => clearTimeout(handle);
}
