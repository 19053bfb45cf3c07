/**
 * The scheduler's engine: every pending job in one queue behind one timer;
 * each due time durably claimed before it runs and recorded as finished
 * after, so it runs at most once, even across a crash.
 *
 * @internal
 * @module
 */
import { CommitQueue } from './commit.js';
import type { ScheduleStoreError } from './errors.js';
import { newEntry, Run, type Claim, type Entry } from './entry.js';
import type { FailedEvent, FiredEvent, HandlerContext, MissedEvent } from './events.js';
import { NOTHING_RUNNING, type ScheduledJob } from './job.js';
import { planMisfire, type MisfirePolicy } from './misfire.js';
import type { ScheduleStore } from './store.js';
import { TimerQueue } from './timer-queue.js';
import { compileTrigger, jitterOffset, type NextDue } from './trigger.js';

/** What the engine calls out to. */
export interface DispatcherHooks {
  /** Runs one due time of a job: returns its result, or a promise of it. */
  execute(job: ScheduledJob, run: HandlerContext): unknown;
  /** A run finished well. */
  fired(event: FiredEvent): void;
  /** A run failed. */
  failed(event: FailedEvent): void;
  /** Due times did not run. */
  missed(event: MissedEvent): void;
  /** A store write nobody waits on failed. */
  error(error: ScheduleStoreError): void;
}

/** The timer is re-armed at least this often, so a wall-clock change is caught up with. */
const MAX_TIMER_MS = 60_000;
/** Due jobs taken per timer callback; more wait for the next turn of the event loop. */
const MAX_PER_TICK = 5_000;

/** Keeps the jobs, fires them, and records every step in the store. */
export class Dispatcher {
  readonly #entries = new Map<string, Entry>();
  readonly #queue = new TimerQueue<Entry>();
  #commitQueue: CommitQueue | undefined;
  readonly #hooks: DispatcherHooks;
  readonly #keepAlive: boolean;
  /** Claims made and not ended yet (waiting for their claim to be durable, or running). */
  #active = 0;
  #idle: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(hooks: DispatcherHooks, keepAlive: boolean) {
    this.#hooks = hooks;
    this.#keepAlive = keepAlive;
  }

  /** Jobs kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The job's current record. */
  get(id: string): ScheduledJob | undefined {
    return this.#entries.get(id)?.job;
  }

  /** Every job's current record. */
  list(): ScheduledJob[] {
    return Array.from(this.#entries.values(), (entry) => entry.job);
  }

  /**
   * Takes the store and its jobs: reports runs a crash interrupted, applies the misfire
   * policy to due times that passed, records the outcome, and arms the timer.
   */
  async restore(store: ScheduleStore, jobs: readonly ScheduledJob[], policy: MisfirePolicy): Promise<void> {
    this.#commitQueue = new CommitQueue(store, (error) => this.#hooks.error(error));
    const now = Date.now();
    const missed: MissedEvent[] = [];
    const written: Promise<void>[] = [];
    for (const stored of jobs) {
      const entry = newEntry(stored, compileTrigger(stored.trigger));
      let job = stored;
      for (const dueAt of stored.running) missed.push({ job: stored, dueAt, count: 1, reason: 'interrupted', lagMs: now - dueAt });
      if (job.running.length > 0) job = { ...job, running: [] };
      if (job.dueAt !== null && job.dueAt <= now) {
        const plan = planMisfire(job.dueAt, now, policy, job.trigger, entry.next);
        if (plan.missed !== undefined) missed.push({ job: stored, dueAt: plan.missed.from, count: plan.missed.count, reason: 'misfire', lagMs: now - plan.missed.from });
        if (plan.catchUp) entry.catchUpUntil = now;
        if (plan.dueAt !== job.dueAt) job = { ...job, dueAt: plan.dueAt };
      }
      if (job.dueAt === null) {
        written.push(this.#commits.push({ type: 'delete', id: job.id }));
        continue;
      }
      if (job !== stored) written.push(this.#commits.push({ type: 'put', job }));
      entry.job = job;
      this.#entries.set(job.id, entry);
      this.#enqueue(entry);
    }
    await Promise.all(written);
    for (const event of missed) this.#notify('missed', event);
    this.#arm();
  }

  /** Adds a job; resolves once it is durable (and only then can it fire). */
  add(job: ScheduledJob, next: NextDue, signal: AbortSignal | undefined): Promise<ScheduledJob> {
    const entry = newEntry(job, next);
    this.#entries.set(job.id, entry);
    if (signal !== undefined) {
      const onAbort = (): void => void this.cancel(job.id).catch((error: ScheduleStoreError) => this.#hooks.error(error));
      signal.addEventListener('abort', onAbort, { once: true });
      entry.detach = () => signal.removeEventListener('abort', onAbort);
    }
    return this.#commits.push({ type: 'put', job }).then(
      () => {
        if (this.#entries.get(job.id) === entry && !this.#stopped) {
          this.#enqueue(entry);
          this.#arm();
        }
        return job;
      },
      (error: unknown) => {
        if (this.#entries.get(job.id) === entry) this.#entries.delete(job.id);
        entry.detach?.();
        throw error;
      },
    );
  }

  /** Removes a job and aborts its runs; `false` when there is no such job. */
  async cancel(id: string): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    this.#queue.remove(entry);
    entry.detach?.();
    for (const run of entry.runs ?? []) run.abort();
    await this.#commits.push({ type: 'delete', id });
    return true;
  }

  /** Stops firing, aborts the runs going and waits for them, and for every store write. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const entry of this.#entries.values()) {
      entry.detach?.();
      for (const run of entry.runs ?? []) run.abort();
    }
    while (this.#active > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.#commitQueue?.drain();
  }

  /** The store's queue; there is one once `restore()` ran, before any job is added. */
  get #commits(): CommitQueue {
    if (this.#commitQueue === undefined) throw new Error('the dispatcher has no store yet');
    return this.#commitQueue;
  }

  #enqueue(entry: Entry): void {
    const dueAt = entry.job.dueAt as number;
    entry.at = dueAt + jitterOffset(entry.job.id, dueAt, entry.job.jitterMs);
    this.#queue.push(entry);
  }

  #arm(): void {
    if (this.#stopped) return;
    const first = this.#queue.nextAt;
    if (first === undefined || (this.#timer !== undefined && this.#timerAt <= first)) return;
    clearTimeout(this.#timer);
    const now = Date.now();
    const delay = Math.min(Math.max(first - now, 0), MAX_TIMER_MS);
    this.#timerAt = now + delay;
    this.#timer = setTimeout(() => this.#tick(), delay);
    if (!this.#keepAlive) this.#timer.unref();
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const claims: Claim[] = [];
    let durable: Promise<void> | undefined;
    for (let taken = 0; taken < MAX_PER_TICK; taken++) {
      const entry = this.#queue.shift(now);
      if (entry === undefined) break;
      durable = this.#due(entry, now, claims) ?? durable;
    }
    if (durable !== undefined) {
      // Claims made in one tick go in one batch: one write, one fsync, then they all run.
      this.#active += claims.length;
      durable.then(
        () => {
          for (const claim of claims) this.#run(claim);
        },
        (error: unknown) => {
          for (const claim of claims) this.#ended(claim, undefined, Date.now(), false, error);
        },
      );
    }
    this.#arm();
  }

  /** One job's due time came: claim it (returns the claim's write), or apply the overlap policy. */
  #due(entry: Entry, now: number, claims: Claim[]): Promise<void> | undefined {
    const job = entry.job;
    const dueAt = job.dueAt as number;
    const fireAt = entry.at;
    if (job.trigger.type !== 'once' && job.running.length > 0) {
      const overlap = dueAt <= entry.catchUpUntil ? 'queue' : job.overlap;
      if (overlap === 'queue') {
        entry.waiting = true;
        return undefined;
      }
      if (overlap === 'skip') {
        entry.job = { ...job, dueAt: entry.next(dueAt) };
        this.#commits.record({ type: 'put', job: entry.job });
        if (entry.job.dueAt !== null) this.#enqueue(entry);
        this.#notify('missed', { job, dueAt, count: 1, reason: 'overlap', lagMs: now - dueAt });
        return undefined;
      }
    }
    entry.job = { ...job, dueAt: entry.next(dueAt), running: [...job.running, dueAt], runs: job.runs + 1 };
    claims.push({ entry, job: entry.job, dueAt, fireAt });
    if (entry.job.dueAt !== null) this.#enqueue(entry);
    return this.#commits.push({ type: 'put', job: entry.job });
  }

  /** Runs a claimed due time (unless the job was cancelled meanwhile). */
  #run(claim: Claim): void {
    const { entry, job, dueAt } = claim;
    if (this.#entries.get(job.id) !== entry) {
      this.#release();
      return;
    }
    const run = new Run(job, dueAt, this.#stopped);
    (entry.runs ??= []).push(run);
    const started = Date.now();
    let result: unknown;
    try {
      result = this.#hooks.execute(job, run);
    } catch (error) {
      this.#ended(claim, run, started, false, error);
      return;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => this.#ended(claim, run, started, true, value),
        (error: unknown) => this.#ended(claim, run, started, false, error),
      );
    } else {
      this.#ended(claim, run, started, true, result);
    }
  }

  /** A run ended (or its claim failed, with no run): record it, then report it. */
  #ended(claim: Claim, run: Run | undefined, started: number, ok: boolean, value: unknown): void {
    const { entry, job, dueAt, fireAt } = claim;
    if (run !== undefined && entry.runs !== undefined) {
      const index = entry.runs.indexOf(run);
      if (index >= 0) entry.runs.splice(index, 1);
    }
    this.#finish(entry, dueAt);
    this.#release();
    const lagMs = started - fireAt;
    if (ok) this.#notify('fired', { job, dueAt, lagMs, durationMs: Date.now() - started, result: value });
    else this.#notify('failed', { job, dueAt, lagMs, error: value });
  }

  /** A run ended: record it; drop a job with nothing left to do; release a queued due time. */
  #finish(entry: Entry, dueAt: number): void {
    const current = entry.job;
    if (this.#entries.get(current.id) !== entry) return;
    const running = current.running.length === 1 && current.running[0] === dueAt ? NOTHING_RUNNING : current.running.filter((time) => time !== dueAt);
    if (current.dueAt === null && running.length === 0) {
      this.#entries.delete(current.id);
      entry.detach?.();
      this.#commits.record({ type: 'delete', id: current.id });
    } else {
      entry.job = { ...current, running };
      this.#commits.record({ type: 'put', job: entry.job });
    }
    if (entry.waiting && !this.#stopped) {
      entry.waiting = false;
      this.#queue.push(entry);
      this.#arm();
    }
  }

  #release(): void {
    if (--this.#active === 0) this.#idle?.();
  }

  /** Reports an event; a listener that throws surfaces as an uncaught exception, as it would from a timer, without stopping other jobs. */
  #notify<K extends 'fired' | 'failed' | 'missed'>(kind: K, event: Parameters<DispatcherHooks[K]>[0]): void {
    try {
      (this.#hooks[kind] as (event: Parameters<DispatcherHooks[K]>[0]) => void)(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
