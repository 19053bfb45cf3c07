/**
 * The jobs of the kill -9 test, shared by the test and its child process.
 * Times are from `base`, the moment the first process schedules them.
 */

/** Jobs in all. */
export const JOBS = 1_000;
/** Every this many jobs, one is a message to the fake agent instead of a counting handler. */
export const MESSAGE_EVERY = 50;
/** The agent's name. */
export const AGENT = 'checkin';

/** Due while the first process runs; it is killed after they all ran. */
export const BEFORE = { from: 0, to: 1_500, jobs: 400 } as const;
/** Due while no process runs. */
export const DOWNTIME = { from: 5_000, to: 6_500, jobs: 300 } as const;
/** Due once the second process runs. */
export const AFTER = { from: 12_000, to: 13_000, jobs: 300 } as const;
/** The kill happens in here: no job is due within 300 ms of it. */
export const KILL_WINDOW = { from: BEFORE.to + 300, to: DOWNTIME.from - 300 } as const;

/** One planned job. */
export interface PlannedJob {
  readonly index: number;
  readonly dueAt: number;
  /** The message text for a message job; `undefined` for a counting job. */
  readonly message: string | undefined;
}

/** The 1,000 jobs for a given base time. */
export function plan(base: number): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  let index = 0;
  for (const phase of [BEFORE, DOWNTIME, AFTER]) {
    for (let i = 0; i < phase.jobs; i++, index++) {
      const dueAt = Math.round(base + phase.from + (i * (phase.to - phase.from)) / phase.jobs);
      jobs.push({ index, dueAt, message: index % MESSAGE_EVERY === 0 ? `scheduled message #${index}` : undefined });
    }
  }
  return jobs;
}
