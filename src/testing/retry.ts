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

/**
 * {@link retryUntil} ran out of time.
 *
 * @example
 * try {
 *   await retryUntil(async () => (await eng.state()).state === 'idle', { timeoutMs: 10_000, description: 'eng-1 idle' });
 * } catch (error) {
 *   if (error instanceof RetryTimeoutError) console.log('last seen:', error.last);
 * }
 */
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
 * deadline passes. A condition that throws counts as not yet true; one still
 * running at the deadline is abandoned.
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
    const outcome = await attempt(condition, deadline - performance.now());
    if (outcome.kind === 'value' && outcome.value) return outcome.value as NonNullable<T>;
    if (outcome.kind !== 'late') last = outcome.kind === 'value' ? outcome.value : outcome.error;
    if (outcome.kind === 'late' || performance.now() >= deadline) {
      throw new RetryTimeoutError(options.description ?? 'a condition', timeoutMs, last);
    }
    await delay(intervalMs);
  }
}

type Attempt<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'late' };

/** Runs the condition once, giving up on it (`late`) after `withinMs`. */
function attempt<T>(condition: () => T | Promise<T>, withinMs: number): Promise<Attempt<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'late' }), Math.max(0, withinMs));
    Promise.resolve()
      .then(condition)
      .then(
        (value) => resolve({ kind: 'value', value }),
        (error: unknown) => resolve({ kind: 'error', error }),
      )
      .finally(() => clearTimeout(timer));
  });
}
