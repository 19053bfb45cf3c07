/**
 * Misfires: due times that passed while no scheduler was running (the
 * process was down), and what to do about them at start.
 *
 * @module
 */
import type { JobTrigger } from './job.js';
import type { NextDue } from './trigger.js';

/**
 * What `start()` does with due times that passed while the scheduler was down:
 *
 * - `fire-once`: run the job once now (for the latest missed due time);
 *   report the other missed due times of a recurring job as missed.
 * - `skip`: run nothing; report them all as missed (a one-shot job is then done).
 * - `fire-all`: run every missed due time, one after another, oldest first.
 */
export type MisfirePolicy = 'fire-once' | 'skip' | 'fire-all';

/**
 * The misfire policies.
 *
 * @internal
 */
export const MISFIRE_POLICIES: readonly MisfirePolicy[] = ['fire-once', 'skip', 'fire-all'];

/**
 * What to do with one job whose due time has passed.
 *
 * @internal
 */
export interface MisfirePlan {
  /** The job's due time from now on (past: it runs at once), or `null` when it has none left. */
  readonly dueAt: number | null;
  /** Due times given up: `count` of them, the first at `from`. */
  readonly missed?: { readonly from: number; readonly count: number };
  /** Run each past due time in turn, whatever the overlap policy (`fire-all`). */
  readonly catchUp: boolean;
}

/** Past due times are counted one by one up to this many (cron); beyond, the count is a lower bound. */
const COUNT_LIMIT = 100_000;

/**
 * Plans a job whose `dueAt` is at or before `now`.
 *
 * @internal
 */
export function planMisfire(dueAt: number, now: number, policy: MisfirePolicy, trigger: JobTrigger, next: NextDue): MisfirePlan {
  if (policy === 'fire-all') return { dueAt, catchUp: true };
  const { count, last, following } = pastDueTimes(dueAt, now, trigger, next);
  if (policy === 'skip') return { dueAt: following, missed: { from: dueAt, count }, catchUp: false };
  return count > 1 ? { dueAt: last, missed: { from: dueAt, count: count - 1 }, catchUp: false } : { dueAt: last, catchUp: false };
}

/** How many due times from `first` are at or before `now`, the last of them, and the first after `now`. */
function pastDueTimes(first: number, now: number, trigger: JobTrigger, next: NextDue): { count: number; last: number; following: number | null } {
  if (trigger.type === 'every') {
    const count = Math.floor((now - first) / trigger.intervalMs) + 1;
    const last = first + (count - 1) * trigger.intervalMs;
    return { count, last, following: last + trigger.intervalMs };
  }
  let count = 1;
  let last = first;
  let following = next(first);
  while (following !== null && following <= now) {
    last = following;
    if (++count >= COUNT_LIMIT) return { count, last, following: next(now) };
    following = next(following);
  }
  return { count, last, following };
}
