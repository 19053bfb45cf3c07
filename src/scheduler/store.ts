/**
 * `ScheduleStore`: where the scheduler keeps its jobs so they survive a
 * restart. Built in: a file (`FileScheduleStore`, the default) and memory
 * (`MemoryScheduleStore`); plugins register their own under the `store` kind.
 *
 * @module
 */
import type { ScheduleStoreError } from './errors.js';
import type { ScheduledJob } from './job.js';

/** A job written whole: added, or changed. */
export interface PutChange {
  /** The kind of change. */
  readonly type: 'put';
  /** The job's new record (records are never changed in place). */
  readonly job: ScheduledJob;
}

/** A job removed. */
export interface DeleteChange {
  /** The kind of change. */
  readonly type: 'delete';
  /** The job's id. */
  readonly id: string;
}

/** One change to the stored jobs. */
export type ScheduleChange = PutChange | DeleteChange;

/**
 * Keeps the scheduler's jobs, as a map from id to the latest record.
 *
 * The scheduler calls `load()` once, then `write()` with batches of changes,
 * never two at once, and `close()` last. `write()` must resolve only once
 * every change in the batch is durable (survives the process being killed),
 * and must apply changes in order; a batch may be torn by a crash (a prefix
 * of it kept), never reordered.
 *
 * @example
 * const store: ScheduleStore = {
 *   async load() { return [...jobs.values()]; },
 *   async write(changes) {
 *     for (const change of changes) {
 *       if (change.type === 'put') jobs.set(change.job.id, change.job);
 *       else jobs.delete(change.id);
 *     }
 *   },
 *   async close() {},
 * };
 */
export interface ScheduleStore {
  /** Every stored job, as last written. */
  load(): Promise<readonly ScheduledJob[]>;
  /** Applies the changes in order; resolves once they are durable. */
  write(changes: readonly ScheduleChange[]): Promise<void>;
  /** Releases what the store holds (files, connections). */
  close(): Promise<void>;
}

/** What a store factory receives: the options the user gave with its name, and where to report background failures. */
export interface ScheduleStoreFactoryOptions {
  /** The user's options for this store. */
  readonly [option: string]: unknown;
  /** Called with failures no call is waiting for (e.g. a background compaction). */
  readonly onError?: (error: ScheduleStoreError) => void;
}

/** Makes a store; registered under the `store` kind. */
export type ScheduleStoreFactory = (options: ScheduleStoreFactoryOptions) => ScheduleStore;

declare module '../strategies/registry.js' {
  interface StrategyKinds {
    /** Keeps scheduled jobs; registered under the store's name (`file`, `memory`). */
    store: ScheduleStoreFactory;
  }
}
