/**
 * Polling with a deadline: the way tests wait for tmux, never a bare sleep.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import { OrchestratorError } from '../errors.js';
import { positiveNumber } from '../util/options.js';

/** Options of {@link retryUntil}. */
export interface RetryOptions {
  /**
   * Give up after this many milliseconds.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Wait this long between attempts, in milliseconds.
   * @default 20
   */
  readonly intervalMs?: number;
  /** What is being waited for, for the error message. */
  readonly description?: string;
}

/** {@link retryUntil} ran out of time. */
export class RetryTimeoutError extends OrchestratorError {
  /** The last value the condition returned, or the last error it threw. */
  readonly last: unknown;

  constructor(description: string, timeoutMs: number, last: unknown) {
    super('ERR_RETRY_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${description}`, {
      cause: last instanceof Error ? last : undefined,
    });
    this.last = last;
  }
}

/**
 * Calls `condition` until it returns a truthy value (which is returned) or the
 * deadline passes. A condition that throws counts as not yet true.
 *
 * @throws {@link RetryTimeoutError} with the last value or error.
 * @example
 * const line = await retryUntil(async () => (await client.capturePane(pane)).find((l) => l.includes('ready')));
 */
export async function retryUntil<T>(
  condition: () => T | Promise<T>,
  options: RetryOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = positiveNumber('timeoutMs', options.timeoutMs, 5_000);
  const intervalMs = positiveNumber('intervalMs', options.intervalMs, 20);
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await condition();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (performance.now() >= deadline) throw new RetryTimeoutError(options.description ?? 'a condition', timeoutMs, last);
    await delay(intervalMs);
  }
}
