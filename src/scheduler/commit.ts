/**
 * Group commit: every change made in the same turn of the event loop (and
 * while a write is under way) goes to the store in one `write()`, so 100,000
 * jobs scheduled at once cost one append and one fsync, not 100,000. Changes
 * nobody waits for (a run's end) are not urgent: they ride along with the
 * next urgent batch, or go out on their own after {@link RECORD_DELAY_MS}.
 *
 * @internal
 * @module
 */
import { ScheduleStoreError } from './errors.js';
import type { ScheduleChange, ScheduleStore } from './store.js';

/** How long a change nobody waits for may wait for company before it is written. */
export const RECORD_DELAY_MS = 20;

interface Batch {
  readonly changes: ScheduleChange[];
  /** Holds a change someone waits for: written at the next turn of the event loop. */
  urgent: boolean;
  /** Holds changes queued with `record()`, whose failure goes to `onError`. */
  unobserved: boolean;
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** Queues changes for a store and writes them in batches, one batch at a time, in order. */
export class CommitQueue {
  readonly #store: ScheduleStore;
  readonly #onError: (error: ScheduleStoreError) => void;
  #open: Batch | undefined;
  #writing: Promise<void> | undefined;
  #flushScheduled = false;
  #lazyFlush: NodeJS.Timeout | undefined;

  /** @param onError - told when a batch holding changes queued with `record()` fails. */
  constructor(store: ScheduleStore, onError: (error: ScheduleStoreError) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Queues a change; resolves once it (and its whole batch) is durable. */
  push(change: ScheduleChange): Promise<void> {
    const batch = this.#queue(change);
    batch.urgent = true;
    this.#scheduleFlush();
    return batch.done;
  }

  /** Queues a change nobody waits for (written within {@link RECORD_DELAY_MS}); a failure goes to `onError` (once per batch). */
  record(change: ScheduleChange): void {
    this.#queue(change).unobserved = true;
    this.#scheduleLazyFlush();
  }

  /** Writes everything queued now, and resolves once it is written (or failed). */
  async drain(): Promise<void> {
    for (;;) {
      if (this.#writing === undefined) {
        if (this.#open === undefined) return;
        this.#flush();
      }
      await this.#writing;
    }
  }

  #queue(change: ScheduleChange): Batch {
    this.#open ??= newBatch();
    this.#open.changes.push(change);
    return this.#open;
  }

  #scheduleLazyFlush(): void {
    if (this.#lazyFlush !== undefined || this.#flushScheduled || this.#writing !== undefined) return;
    this.#lazyFlush = setTimeout(() => {
      this.#lazyFlush = undefined;
      this.#scheduleFlush();
    }, RECORD_DELAY_MS);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writing !== undefined) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#writing === undefined) this.#flush();
    });
  }

  #flush(): void {
    const batch = this.#open;
    if (batch === undefined) return;
    this.#open = undefined;
    clearTimeout(this.#lazyFlush);
    this.#lazyFlush = undefined;
    this.#writing = (async () => {
      try {
        await this.#store.write(batch.changes);
        batch.resolve();
      } catch (error) {
        const failure = error instanceof ScheduleStoreError ? error : new ScheduleStoreError(`the schedule store failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
        batch.reject(failure);
        if (batch.unobserved) this.#onError(failure);
      } finally {
        this.#writing = undefined;
        if (this.#open?.urgent === true) this.#scheduleFlush();
        else if (this.#open !== undefined) this.#scheduleLazyFlush();
      }
    })();
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers attach their own handlers; this one keeps a failed batch nobody awaits from being unhandled.
  done.catch(() => undefined);
  return { changes: [], urgent: false, unobserved: false, done, resolve, reject };
}
