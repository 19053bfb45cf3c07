/**
 * A store in memory: jobs last as long as the store object.
 *
 * @module
 */
import type { ScheduledJob } from './job.js';
import type { ScheduleChange, ScheduleStore } from './store.js';

/**
 * Keeps jobs in memory. Jobs do not survive the process; they do survive a
 * scheduler closed and started again with the same store object.
 *
 * @example
 * const scheduler = new Scheduler({ store: new MemoryScheduleStore() });
 */
export class MemoryScheduleStore implements ScheduleStore {
  readonly #jobs = new Map<string, ScheduledJob>();

  /** @param jobs - jobs to start with, e.g. a copy of another store's. */
  constructor(jobs: Iterable<ScheduledJob> = []) {
    for (const job of jobs) this.#jobs.set(job.id, job);
  }

  /** The jobs held now. */
  async load(): Promise<ScheduledJob[]> {
    return [...this.#jobs.values()];
  }

  /** Applies the changes. */
  async write(changes: readonly ScheduleChange[]): Promise<void> {
    for (const change of changes) {
      if (change.type === 'put') this.#jobs.set(change.job.id, change.job);
      else this.#jobs.delete(change.id);
    }
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
