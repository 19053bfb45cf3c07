/**
 * Due times: the next one after a given due time, for each kind of trigger,
 * and each due time's jitter.
 *
 * @internal
 * @module
 */
import { Cron } from 'croner';
import { InvalidScheduleError } from './errors.js';
import type { CronTrigger, JobTrigger } from './job.js';

/** The next due time after `previous` (epoch ms), or `null` when there is none. */
export type NextDue = (previous: number) => number | null;

const NEVER_AGAIN: NextDue = () => null;

/**
 * The function that gives a trigger's due times. Cron expressions are parsed
 * here, once per job.
 *
 * @throws {@link InvalidScheduleError} for a cron expression or timezone croner rejects.
 */
export function compileTrigger(trigger: JobTrigger): NextDue {
  switch (trigger.type) {
    case 'once':
      return NEVER_AGAIN;
    case 'every': {
      const interval = trigger.intervalMs;
      return (previous) => previous + interval;
    }
    case 'cron':
      return compileCron(trigger);
  }
}

function compileCron(trigger: CronTrigger): NextDue {
  const { expression, timezone } = trigger;
  // A string with a colon would be read by croner as a date to run once at.
  if (typeof expression !== 'string' || expression.includes(':')) {
    throw new InvalidScheduleError(`Expected a cron expression, got ${JSON.stringify(expression)}`);
  }
  if (timezone !== undefined && (typeof timezone !== 'string' || timezone === '')) {
    throw new InvalidScheduleError(`Expected \`timezone\` to be an IANA timezone name, got ${JSON.stringify(timezone)}`);
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, timezone === undefined ? {} : { timezone });
    // An unknown timezone only shows when a date is computed.
    cron.nextRun();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidScheduleError(`Invalid cron expression ${JSON.stringify(expression)}${timezone === undefined ? '' : ` in timezone ${JSON.stringify(timezone)}`}: ${detail}`, {
      cause: error,
    });
  }
  return (previous) => cron.nextRun(new Date(previous))?.getTime() ?? null;
}

/**
 * The delay (0…`jitterMs` ms) added to one due time of one job: pseudo-random
 * (FNV-1a of the id and the due time) but stable, so a restart keeps it.
 */
export function jitterOffset(id: string, dueAt: number, jitterMs: number): number {
  if (jitterMs === 0) return 0;
  let hash = 0x811c9dc5;
  const key = `${id}@${dueAt}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % (jitterMs + 1);
}
