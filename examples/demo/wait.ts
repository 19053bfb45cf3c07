/**
 * Waiting for an event with a deadline: the scenarios' way to say "this
 * must happen within N seconds", and to stop at once on Ctrl-C.
 *
 * @module
 */
import type {
  HealthChecker,
  HealthCheckerEvents,
  Orchestrator,
  OrchestratorEvents,
  RecoveryEvents,
  RecoveryManager,
  Scheduler,
  SchedulerEvents,
} from '../../src/index.js';

/** How long to wait, and what for (for the error). */
export interface WaitOptions {
  /** Milliseconds before giving up. */
  readonly timeoutMs: number;
  /** Aborts the wait (with the signal's reason). */
  readonly signal: AbortSignal;
  /** What is awaited, e.g. `builder to be restarted`. */
  readonly description: string;
}

/** Something did not happen in time. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';

  /** `expected builder to be restarted within 15 s`. */
  constructor(options: Pick<WaitOptions, 'timeoutMs' | 'description'>) {
    super(`expected ${options.description} within ${options.timeoutMs / 1000} s`);
  }
}

/** The emitters the demo waits on. */
export type DemoEmitter = Orchestrator | HealthChecker | RecoveryManager | Scheduler;

/** The event map of one of the {@link DemoEmitter}s. */
export type EventsOf<T extends DemoEmitter> = T extends Orchestrator
  ? OrchestratorEvents
  : T extends HealthChecker
    ? HealthCheckerEvents
    : T extends RecoveryManager
      ? RecoveryEvents
      : SchedulerEvents;

/** The arguments of a listener type. */
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

/** What the implementation needs of an emitter (each public signature is checked against the event map above). */
interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * The arguments of the first `event` from `emitter` for which `predicate`
 * holds, listening from now on. The promise already has a handler, so it may
 * be created before the action that causes the event and awaited after.
 *
 * @throws {@link DeadlineError} after `timeoutMs`; the signal's reason when it aborts.
 */
export function waitForEvent<T extends DemoEmitter, K extends keyof EventsOf<T> & string>(
  emitter: T,
  event: K,
  predicate: (...args: ArgsOf<EventsOf<T>[K]>) => boolean,
  options: WaitOptions,
): Promise<ArgsOf<EventsOf<T>[K]>> {
  type Args = ArgsOf<EventsOf<T>[K]>;
  const source = emitter as unknown as Listenable;
  const promise = new Promise<Args>((resolve, reject) => {
    const { signal } = options;
    const listener = (...args: unknown[]): void => {
      if (!predicate(...(args as Args))) return;
      done();
      resolve(args as Args);
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      done();
      reject(new DeadlineError(options));
    }, options.timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      source.off(event, listener);
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) return onAbort();
    source.on(event, listener);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return promise;
}

/**
 * `work` with a deadline: its result, or a {@link DeadlineError} after
 * `timeoutMs` (the work itself goes on; abort it through its own signal).
 */
export async function withDeadline<T>(work: Promise<T>, options: WaitOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const { signal } = options;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(options)), options.timeoutMs);
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
