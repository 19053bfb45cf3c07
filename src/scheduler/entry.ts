/**
 * A job as the engine holds it, and its runs.
 *
 * @internal
 * @module
 */
import type { HandlerContext } from './events.js';
import type { JsonValue } from './json.js';
import { isMessageTarget, type ScheduledJob } from './job.js';
import type { Timed } from './timer-queue.js';
import type { NextDue } from './trigger.js';

/** A job in the engine. */
export interface Entry extends Timed {
  /** The job's current record. */
  job: ScheduledJob;
  readonly next: NextDue;
  /** Runs going. */
  runs: Run[] | undefined;
  /** Fell due while a run was going, with overlap `queue`: out of the queue until that run ends. */
  waiting: boolean;
  /** Due times up to this one run in turn (misfire `fire-all`). */
  catchUpUntil: number;
  /** Stops listening to the caller's AbortSignal. */
  detach: (() => void) | undefined;
}

/**
 * One run going, and what its handler receives: the AbortSignal is made on
 * first use (most handlers never ask for it).
 */
export class Run implements HandlerContext {
  readonly jobId: string;
  readonly dueAt: number;
  readonly payload: JsonValue;
  #controller: AbortController | undefined;
  #aborted: boolean;

  constructor(job: ScheduledJob, dueAt: number, aborted: boolean) {
    this.jobId = job.id;
    this.dueAt = dueAt;
    this.payload = isMessageTarget(job.target) ? null : (job.target.payload ?? null);
    this.#aborted = aborted;
  }

  /** Aborted when the job is cancelled or the scheduler closes. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Aborts the signal (now, or as it is made). */
  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}

/** A due time claimed, waiting for its claim to be durable. */
export interface Claim {
  readonly entry: Entry;
  readonly job: ScheduledJob;
  readonly dueAt: number;
  readonly fireAt: number;
}

/** A new entry for a job, not queued yet. */
export function newEntry(job: ScheduledJob, next: NextDue): Entry {
  return { job, next, at: 0, bucket: undefined, slot: -1, runs: undefined, waiting: false, catchUpUntil: 0, detach: undefined };
}
