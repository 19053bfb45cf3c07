/**
 * Looking at a pane again and again until something shows, with a deadline.
 *
 * @internal
 */
import { setTimeout as delay } from 'node:timers/promises';
import { AbortedError } from '../../errors.js';
import type { PaneObservation } from './observe.js';

/** How {@link observeUntil} polls. */
export interface PollSettings {
  /** Give up after this many milliseconds (at least one look is taken). */
  readonly timeoutMs: number;
  /** Wait this long between looks. */
  readonly intervalMs: number;
  /** Stop with `AbortedError` when this fires. */
  readonly signal?: AbortSignal | undefined;
}

/** What {@link observeUntil} found: `value` when `accept` took a look, and the last look either way. */
export interface PollOutcome<T> {
  readonly value: T | undefined;
  readonly last: PaneObservation;
}

/**
 * Calls `observe` until `accept` returns something other than `undefined`
 * or `timeoutMs` has passed.
 *
 * @throws `AbortedError` when `signal` fires.
 */
export async function observeUntil<T>(
  observe: () => Promise<PaneObservation>,
  accept: (observation: PaneObservation) => T | undefined,
  settings: PollSettings,
): Promise<PollOutcome<T>> {
  const deadline = performance.now() + settings.timeoutMs;
  for (;;) {
    throwIfAborted(settings.signal);
    const last = await observe();
    const value = accept(last);
    if (value !== undefined || performance.now() >= deadline) return { value, last };
    await pause(settings.intervalMs, settings.signal);
  }
}

/** Waits `ms` milliseconds. @throws `AbortedError` when `signal` fires first. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (error) {
    throw new AbortedError(signal?.reason ?? error);
  }
}

/** @throws `AbortedError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortedError(signal.reason);
}
