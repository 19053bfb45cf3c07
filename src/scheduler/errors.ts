/**
 * The errors the scheduler throws or reports.
 *
 * @module
 */
import { OrchestratorError } from '../errors.js';

/**
 * A job could not be scheduled as asked: a bad delay, date, interval, cron
 * expression, timezone, jitter, target or payload, or an id already in use.
 * Nothing was scheduled.
 *
 * @example
 * await scheduler.cron('61 * * * *', { agent: 'pm', message: 'Status?' });
 * // rejects with InvalidScheduleError: Invalid cron expression "61 * * * *": …
 */
export class InvalidScheduleError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_SCHEDULE', message, options);
  }
}

/**
 * A handler job names a handler nobody registered with `scheduler.handle()`.
 *
 * @example
 * scheduler.on('schedule:failed', ({ job, error }) => {
 *   if (error instanceof UnknownHandlerError) console.error(`job ${job.id}: no handler ${error.handler}`);
 * });
 */
export class UnknownHandlerError extends OrchestratorError {
  /** The handler's name. */
  readonly handler: string;
  /** The handlers registered. */
  readonly known: readonly string[];

  constructor(handler: string, known: readonly string[]) {
    const list = known.length === 0 ? 'none are registered' : `known: ${known.map((name) => `\`${name}\``).join(', ')}`;
    super('ERR_UNKNOWN_HANDLER', `no scheduler handler named \`${handler}\` (${list})`);
    this.handler = handler;
    this.known = known;
  }
}

/**
 * The schedule store could not read or durably write the jobs.
 *
 * @example
 * try {
 *   await scheduler.start();
 * } catch (error) {
 *   if (error instanceof ScheduleStoreError) console.error('the schedule file is locked or corrupt:', error.message);
 * }
 */
export class ScheduleStoreError extends OrchestratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SCHEDULE_STORE', message, options);
  }
}

/**
 * The scheduler is not started yet, or closed: it takes no jobs.
 *
 * @example
 * await scheduler.close();
 * await scheduler.in('5m', { agent: 'eng-1', message: 'Check-in' }); // rejects with SchedulerClosedError
 */
export class SchedulerClosedError extends OrchestratorError {
  constructor(state: 'not started' | 'closed') {
    super('ERR_SCHEDULER_CLOSED', state === 'closed' ? 'the scheduler is closed' : 'the scheduler is not started (call `start()` first)');
  }
}
