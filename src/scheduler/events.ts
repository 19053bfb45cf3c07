/**
 * The scheduler's events.
 *
 * @module
 */
import type { ScheduleStoreError } from './errors.js';
import type { JsonValue } from './json.js';
import type { ScheduledJob } from './job.js';

/** One run of a job. */
export interface JobRunEvent {
  /** The job as it was when the run was claimed. */
  readonly job: ScheduledJob;
  /** The due time this run is for (epoch ms, before jitter). */
  readonly dueAt: number;
  /** How late the run started, from its due time plus jitter, in ms. */
  readonly lagMs: number;
}

/** A run finished: the handler returned, or the agent took the message (verified). */
export interface FiredEvent extends JobRunEvent {
  /** How long the run took, in ms. */
  readonly durationMs: number;
  /** What the handler or the delivery returned (a `DeliveryReceipt` for a message job). */
  readonly result: unknown;
}

/** A run failed: the handler threw, the delivery failed, or the due time could not be claimed. */
export interface FailedEvent extends JobRunEvent {
  /** The error: the handler's, the delivery's (`DeliveryError`, `UnknownAgentError`…), `UnknownHandlerError` or `ScheduleStoreError`. */
  readonly error: unknown;
}

/**
 * Why due times did not run:
 *
 * - `misfire`: they passed while no scheduler was running, and the misfire policy gave them up.
 * - `overlap`: the job's previous run was still going (overlap policy `skip`).
 * - `interrupted`: the process ended while the run was going; it is not run
 *   again, as it may have taken effect.
 */
export type MissedReason = 'misfire' | 'overlap' | 'interrupted';

/** Due times of a job that did not run. */
export interface MissedEvent {
  /** The job. */
  readonly job: ScheduledJob;
  /** The first due time missed (epoch ms). */
  readonly dueAt: number;
  /** How many consecutive due times were missed, from `dueAt` (for cron, at least this many). */
  readonly count: number;
  /** Why. */
  readonly reason: MissedReason;
  /** From `dueAt` to the report, in ms. */
  readonly lagMs: number;
}

/** What a handler receives. */
export interface HandlerContext {
  /** The job's id. */
  readonly jobId: string;
  /** The due time this run is for (epoch ms, before jitter). */
  readonly dueAt: number;
  /** The job's payload (`null` when it has none). */
  readonly payload: JsonValue;
  /** Aborted when the job is cancelled or the scheduler closes. */
  readonly signal: AbortSignal;
}

/** A named handler: what handler jobs run. */
export type JobHandler = (context: HandlerContext) => unknown;

/** Events of a `Scheduler`. */
export interface SchedulerEvents {
  /** A run finished well. */
  'schedule:fired': (event: FiredEvent) => void;
  /** Due times that did not run (misfire, overlap, or interrupted by the process ending). */
  'schedule:missed': (event: MissedEvent) => void;
  /** A run failed; a recurring job goes on with its next due time. */
  'schedule:failed': (event: FailedEvent) => void;
  /** The store failed where no call was waiting: recording a run's end, or compacting. */
  error: (error: ScheduleStoreError) => void;
}
