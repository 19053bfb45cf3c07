/**
 * Jobs: what runs (a message to an agent or a named handler), when (once,
 * every interval, on a cron expression), and the record the store keeps.
 *
 * @module
 */
import { ScheduleStoreError } from './errors.js';
import type { Duration } from './durations.js';
import type { JsonValue } from './json.js';

/** Send `message` to the agent named `agent`, through its delivery strategy. */
export interface MessageTarget {
  /** The agent's name. */
  readonly agent: string;
  /** The text to send. */
  readonly message: string;
}

/** Call the handler registered as `handler` with `payload`. */
export interface HandlerTarget {
  /** The handler's name, as registered with `scheduler.handle()`. */
  readonly handler: string;
  /** Any JSON value, stored with the job and passed to the handler. */
  readonly payload?: JsonValue;
}

/** What a job does when it fires. */
export type JobTarget = MessageTarget | HandlerTarget;

/** Fires once. */
export interface OnceTrigger {
  /** The kind of trigger. */
  readonly type: 'once';
}

/** Fires every `intervalMs`, at fixed times (no drift). */
export interface EveryTrigger {
  /** The kind of trigger. */
  readonly type: 'every';
  /** Milliseconds between due times. */
  readonly intervalMs: number;
}

/** Fires on a cron expression (croner syntax: 5, 6 or 7 fields, nicknames). */
export interface CronTrigger {
  /** The kind of trigger. */
  readonly type: 'cron';
  /** The expression, e.g. `'*\/15 9-17 * * MON-FRI'`. */
  readonly expression: string;
  /** The IANA timezone the expression is read in; the system's when unset. */
  readonly timezone?: string;
}

/** When a job fires. */
export type JobTrigger = OnceTrigger | EveryTrigger | CronTrigger;

/**
 * What a recurring job does when it falls due while its previous run is still
 * running: `skip` that due time (reported as missed, reason `overlap`),
 * `queue` it (it runs as soon as the previous run ends), or `allow` both to run at once.
 */
export type OverlapPolicy = 'skip' | 'queue' | 'allow';

/** Options of every scheduling call. */
export interface JobOptions {
  /** The job's id; must not be in use. 16 random base64url characters when unset. */
  readonly id?: string;
  /**
   * Delay each due time by a stable pseudo-random amount up to this, so many
   * jobs due at once do not all fire in the same millisecond.
   * @default 0
   */
  readonly jitter?: Duration;
  /**
   * For recurring jobs: what to do when a due time comes while the previous run is still going.
   * @default 'skip'
   */
  readonly overlap?: OverlapPolicy;
  /** Aborting it cancels the job (in this process; a restart does not remember the signal). */
  readonly signal?: AbortSignal;
}

/** Options of `cron()`. */
export interface CronJobOptions extends JobOptions {
  /** The IANA timezone the expression is read in, e.g. `'Europe/Paris'`. The system's when unset. */
  readonly timezone?: string;
}

/**
 * A scheduled job as the scheduler and its store keep it. Records are never
 * changed in place: each change makes a new one.
 */
export interface ScheduledJob {
  /** Unique id (generated, or given when scheduling). */
  readonly id: string;
  /** What it does. */
  readonly target: JobTarget;
  /** When it fires. */
  readonly trigger: JobTrigger;
  /** Each due time is delayed by a stable pseudo-random 0…`jitterMs` ms. */
  readonly jitterMs: number;
  /** What a recurring job does when a run is still going at its next due time. */
  readonly overlap: OverlapPolicy;
  /** When it was scheduled (epoch ms). */
  readonly createdAt: number;
  /** The next due time not yet claimed (epoch ms, before jitter), or `null` when none is left. */
  readonly dueAt: number | null;
  /** Due times claimed and running, not finished yet (epoch ms). */
  readonly running: readonly number[];
  /** Due times claimed so far (runs started). */
  readonly runs: number;
}

/**
 * The overlap policies.
 *
 * @internal
 */
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['skip', 'queue', 'allow'];

/**
 * The `running` of a job with no run going, shared by all such records.
 *
 * @internal
 */
export const NOTHING_RUNNING: readonly number[] = Object.freeze([]);

/**
 * Checks that a value read from a store is a {@link ScheduledJob}.
 *
 * @throws {@link ScheduleStoreError} naming the first field that is wrong.
 * @internal
 */
export function parseStoredJob(value: unknown): ScheduledJob {
  const job = value as Partial<Record<keyof ScheduledJob, unknown>> | null;
  const wrong = (field: string): never => {
    const id = typeof job?.id === 'string' ? ` ${JSON.stringify(job.id)}` : '';
    throw new ScheduleStoreError(`stored job${id} is malformed: bad \`${field}\``);
  };
  if (typeof job !== 'object' || job === null) return wrong('job');
  if (typeof job.id !== 'string' || job.id === '') wrong('id');
  const target = job.target as Partial<Record<string, unknown>> | null;
  if (typeof target !== 'object' || target === null) wrong('target');
  else if (!(typeof target.agent === 'string' && typeof target.message === 'string') && typeof target.handler !== 'string') wrong('target');
  const trigger = job.trigger as Partial<Record<string, unknown>> | null;
  if (typeof trigger !== 'object' || trigger === null) wrong('trigger');
  else if (trigger.type === 'every') {
    if (!isTime(trigger.intervalMs) || trigger.intervalMs <= 0) wrong('trigger.intervalMs');
  } else if (trigger.type === 'cron') {
    if (typeof trigger.expression !== 'string') wrong('trigger.expression');
    if (trigger.timezone !== undefined && typeof trigger.timezone !== 'string') wrong('trigger.timezone');
  } else if (trigger.type !== 'once') wrong('trigger.type');
  if (!isTime(job.jitterMs)) wrong('jitterMs');
  if (!OVERLAP_POLICIES.includes(job.overlap as OverlapPolicy)) wrong('overlap');
  if (!isTime(job.createdAt)) wrong('createdAt');
  if (job.dueAt !== null && !isTime(job.dueAt)) wrong('dueAt');
  if (!Array.isArray(job.running) || !job.running.every(isTime)) wrong('running');
  if (!isTime(job.runs)) wrong('runs');
  return job as ScheduledJob;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * `true` for a job that sends a message to an agent.
 *
 * @internal
 */
export function isMessageTarget(target: JobTarget): target is MessageTarget {
  return 'agent' in target;
}
