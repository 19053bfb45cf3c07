/**
 * `Scheduler`: check-ins and other jobs at a delay, a date, an interval or a
 * cron expression, in this process (one timer for all, no process per job),
 * kept in a store so they survive restarts.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { AbortedError, InvalidArgumentError } from '../errors.js';
import { DIAGNOSTICS_CHANNELS, publish } from '../diagnostics.js';
import { describeValue } from '../util/options.js';
import { Dispatcher } from './dispatcher.js';
import type { Duration } from './durations.js';
import { newJobId } from './ids.js';
import { InvalidScheduleError, ScheduleStoreError, SchedulerClosedError, UnknownHandlerError } from './errors.js';
import type { HandlerContext, JobHandler, SchedulerEvents } from './events.js';
import { isMessageTarget, NOTHING_RUNNING, parseStoredJob, type CronJobOptions, type JobOptions, type JobTarget, type JobTrigger, type ScheduledJob } from './job.js';
import { checkStoreOption, openStore, resolveSchedulerOptions, type ResolvedSchedulerOptions, type SchedulerOptions } from './options.js';
import type { ScheduleStore } from './store.js';
import { compileTrigger, type NextDue } from './trigger.js';
import { checkJobOptions, checkTarget, durationArgument, type TargetContext } from './validate.js';

const ONCE: JobTrigger = { type: 'once' };
/** Which scheduling call. */
type ScheduleKind = 'in' | 'at' | 'every' | 'cron';
/** `at()` takes dates up to this far in the past (clock granularity), as due now. */
const PAST_TOLERANCE_MS = 1_000;

/**
 * Runs jobs (a message to an agent, or a named handler) after a delay, at a
 * date, every interval, or on a cron expression. All jobs share one timer; each
 * is a record of a few hundred bytes, kept in a store (a file by default) so it
 * survives a restart. Each due time runs at most once, even across a crash (see
 * `docs/scheduler.md`).
 *
 * @example
 * await using scheduler = new Scheduler({ store: '.tmux-orchestrator/schedule.jsonl', deliver: (name, text) => orc.agent(name).send(text) });
 * scheduler.handle('report', async ({ payload }) => writeReport(payload));
 * await scheduler.start();
 * await scheduler.in('15m', { agent: 'eng-1', message: 'Check-in: status?' });
 * await scheduler.every('1h', { handler: 'report', payload: { team: 'x' } });
 * await scheduler.cron('0 9 * * MON-FRI', { agent: 'pm', message: 'Standup' }, { timezone: 'Europe/Paris' });
 * scheduler.on('schedule:failed', ({ job, error }) => console.error(job.id, error));
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly #options: ResolvedSchedulerOptions;
  readonly #storeOptions: SchedulerOptions;
  #store: ScheduleStore | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #targetContext: TargetContext;
  readonly #inUse = (id: string): boolean => this.#dispatcher.get(id) !== undefined;
  #starting: Promise<void> | undefined;
  #started = false;
  #closing: Promise<void> | undefined;

  /** @throws `InvalidOptionError`. */
  constructor(options: SchedulerOptions = {}) {
    super();
    this.#options = resolveSchedulerOptions(options);
    checkStoreOption(options);
    this.#storeOptions = options;
    this.#targetContext = { handlers: this.#handlers, canDeliver: this.#options.deliver !== undefined, hasAgent: this.#options.hasAgent };
    this.#dispatcher = new Dispatcher(
      {
        execute: (job, run) => this.#execute(job, run),
        fired: (event) => {
          publishEvent('fired', event.job.id, event.lagMs);
          this.emit('schedule:fired', event);
        },
        failed: (event) => {
          publishEvent('failed', event.job.id, event.lagMs);
          this.emit('schedule:failed', event);
        },
        missed: (event) => {
          publishEvent('missed', event.job.id, event.lagMs);
          this.emit('schedule:missed', event);
        },
        error: (error) => this.emit('error', error),
      },
      this.#options.keepAlive,
    );
  }

  /** Jobs scheduled (pending or running). */
  get size(): number {
    return this.#dispatcher.size;
  }

  /**
   * Loads the store, reports runs a crash interrupted, applies the misfire
   * policy to due times that passed meanwhile, and arms the timer. Register
   * handlers before: stored jobs may fire at once. Idempotent.
   *
   * @throws {@link ScheduleStoreError} (unreadable, corrupt, or locked by another process),
   *   `UnknownStrategyError` (a store name nobody registered), `InvalidOptionError` (from the
   *   store's factory), {@link SchedulerClosedError} after `close()`.
   */
  start(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new SchedulerClosedError('closed'));
    this.#starting ??= (async () => {
      const store = openStore(this.#storeOptions, (error) => this.emit('error', error));
      this.#store = store;
      const stored = await store.load();
      let jobs: ScheduledJob[];
      try {
        jobs = stored.map(parseStoredJob);
        await this.#dispatcher.restore(store, jobs, this.#options.misfire);
      } catch (error) {
        if (!(error instanceof InvalidScheduleError)) throw error;
        throw new ScheduleStoreError(`a stored job cannot be scheduled: ${error.message}`, { cause: error });
      }
      this.#started = true;
    })();
    return this.#starting;
  }

  /**
   * Registers the handler that jobs `{ handler: name }` run; returns the
   * function that removes it. A later registration under the same name replaces it.
   *
   * @example
   * const off = scheduler.handle('rotate-logs', async ({ payload, signal }) => rotate(payload, { signal }));
   */
  handle(name: string, handler: JobHandler): () => void {
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`Expected a handler name, got ${describeValue(name)}`);
    if (typeof handler !== 'function') throw new InvalidArgumentError(`Expected handler \`${name}\` to be a function, got ${describeValue(handler)}`);
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  /**
   * Runs `job` once, after `delay` (`'90s'`, `'15m'`, `'2h30m'`, or ms).
   * Resolves once the job is durable.
   *
   * @throws {@link InvalidScheduleError}, {@link UnknownHandlerError}, `UnknownAgentError`,
   *   `AbortedError`, {@link ScheduleStoreError}, {@link SchedulerClosedError}.
   * @example
   * await scheduler.in('15m', { agent: 'eng-1', message: 'Check-in: how is it going?' });
   */
  in(delay: Duration, job: JobTarget, options: JobOptions = {}): Promise<ScheduledJob> {
    return this.#schedule(job, options, 'in', delay);
  }

  /**
   * Runs `job` once, at `date` (a `Date` or epoch ms; up to a second in the past means now).
   *
   * @throws Like {@link Scheduler.in}.
   * @example
   * await scheduler.at(new Date('2030-01-01T09:00:00Z'), { handler: 'new-year' });
   */
  at(date: Date | number, job: JobTarget, options: JobOptions = {}): Promise<ScheduledJob> {
    return this.#schedule(job, options, 'at', date);
  }

  /**
   * Runs `job` every `interval`, the first time one interval from now. Due
   * times stay on the grid (no drift), whatever the runs take.
   *
   * @throws Like {@link Scheduler.in}.
   * @example
   * await scheduler.every('30m', { agent: 'eng-1', message: 'Commit your work' }, { jitter: '1m' });
   */
  every(interval: Duration, job: JobTarget, options: JobOptions = {}): Promise<ScheduledJob> {
    return this.#schedule(job, options, 'every', interval);
  }

  /**
   * Runs `job` on a cron expression (croner syntax: 5 fields, or 6 with seconds
   * first; `@daily` and the like), read in `options.timezone`.
   *
   * @throws Like {@link Scheduler.in}; an invalid expression or timezone is an {@link InvalidScheduleError}.
   * @example
   * await scheduler.cron('*\/15 9-17 * * MON-FRI', { agent: 'pm', message: 'Status round' }, { timezone: 'America/New_York' });
   */
  cron(expression: string, job: JobTarget, options: CronJobOptions = {}): Promise<ScheduledJob> {
    return this.#schedule(job, options, 'cron', expression);
  }

  /** Removes a job and aborts its runs going; `false` when there is no such job (any more). */
  async cancel(id: string): Promise<boolean> {
    await this.#ready();
    return this.#dispatcher.cancel(id);
  }

  /** The job's current record, or `undefined` (never scheduled, cancelled, or done). */
  get(id: string): ScheduledJob | undefined {
    return this.#dispatcher.get(id);
  }

  /** Every job scheduled (pending or running). */
  list(): ScheduledJob[] {
    return this.#dispatcher.list();
  }

  /**
   * Stops firing, aborts the signal of the runs going and waits for them to
   * end, writes what is pending, and closes the store. Jobs stay in the store
   * for the next start. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#starting?.catch(() => undefined);
      await this.#dispatcher.close();
      await this.#store?.close();
    })();
    return this.#closing;
  }

  /** Same as {@link Scheduler.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Checks and adds a job; synchronous up to the store write, so a burst of calls is one batch. */
  #schedule(target: JobTarget, options: JobOptions | CronJobOptions, kind: ScheduleKind, when: unknown): Promise<ScheduledJob> {
    if (!this.#started || this.#closing !== undefined) return this.#ready().then(() => this.#schedule(target, options, kind, when));
    let job: ScheduledJob;
    let next: NextDue;
    try {
      const checked = checkTarget(target, this.#targetContext);
      const { id, jitterMs, overlap } = checkJobOptions(options, this.#options.maxDelayMs, this.#inUse);
      const trigger = this.#trigger(kind, when, options);
      next = compileTrigger(trigger);
      const now = Date.now();
      const dueAt = this.#firstDue(kind, when, now, next);
      if (options.signal?.aborted === true) throw new AbortedError(options.signal.reason);
      job = { id: id ?? newJobId(), target: checked, trigger, jitterMs, overlap, createdAt: now, dueAt, running: NOTHING_RUNNING, runs: 0 };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#dispatcher.add(job, next, options.signal);
  }

  #trigger(kind: ScheduleKind, when: unknown, options: CronJobOptions): JobTrigger {
    if (kind === 'every') return { type: 'every', intervalMs: durationArgument('interval', when as Duration, 1, this.#options.maxDelayMs) };
    if (kind !== 'cron') return ONCE;
    const timezone = options?.timezone;
    return timezone === undefined ? { type: 'cron', expression: when as string } : { type: 'cron', expression: when as string, timezone };
  }

  #firstDue(kind: ScheduleKind, when: unknown, now: number, next: NextDue): number {
    const maxDelayMs = this.#options.maxDelayMs;
    if (kind === 'in') return now + durationArgument('delay', when as Duration, 0, maxDelayMs);
    if (kind === 'at') {
      const time = when instanceof Date ? when.getTime() : when;
      if (typeof time !== 'number' || !Number.isSafeInteger(Math.round(time))) throw new InvalidScheduleError(`Expected a valid date, got ${describeValue(when)}`);
      if (time < now - PAST_TOLERANCE_MS) throw new InvalidScheduleError(`Expected a date in the future, got ${new Date(time).toISOString()}`);
      if (time - now > maxDelayMs) throw new InvalidScheduleError(`Expected a date at most ${maxDelayMs} ms away (option \`maxDelay\`), got ${new Date(time).toISOString()}`);
      return Math.max(Math.round(time), now);
    }
    const first = next(now);
    if (first === null) throw new InvalidScheduleError(`The cron expression ${JSON.stringify(when)} never fires after now`);
    return first;
  }

  async #ready(): Promise<void> {
    if (this.#closing !== undefined) throw new SchedulerClosedError('closed');
    if (this.#starting === undefined) throw new SchedulerClosedError('not started');
    if (!this.#started) await this.#starting;
    if (this.#closing !== undefined) throw new SchedulerClosedError('closed');
  }

  /** Runs one due time; synchronous as far as the handler is, so a quick handler costs no promise. */
  #execute(job: ScheduledJob, run: HandlerContext): unknown {
    const target = job.target;
    if (isMessageTarget(target)) {
      const deliver = this.#options.deliver;
      if (deliver === undefined) throw new InvalidScheduleError('Message jobs need a scheduler with a `deliver` function');
      return deliver(target.agent, target.message, run.signal);
    }
    const handler = this.#handlers.get(target.handler);
    if (handler === undefined) throw new UnknownHandlerError(target.handler, [...this.#handlers.keys()].sort());
    return handler(run);
  }
}

function publishEvent(event: 'fired' | 'failed' | 'missed', jobId: string, lagMs: number): void {
  publish(DIAGNOSTICS_CHANNELS.scheduler, () => ({ event, jobId, lagMs }));
}
