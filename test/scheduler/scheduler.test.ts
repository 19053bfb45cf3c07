import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, type SchedulerMessage } from '../../src/diagnostics.js';
import { AbortedError } from '../../src/errors.js';
import { ScheduleStoreError, SchedulerClosedError, UnknownHandlerError } from '../../src/scheduler/errors.js';
import type { HandlerContext } from '../../src/scheduler/events.js';
import { parseLog } from '../../src/scheduler/file-log.js';
import { FileScheduleStore } from '../../src/scheduler/file-store.js';
import { MemoryScheduleStore } from '../../src/scheduler/memory-store.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { ScheduleStore } from '../../src/scheduler/store.js';
import { retryUntil } from '../../src/testing/retry.js';
import { testScheduler } from './support/scheduler.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tmo-scheduler-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('Scheduler lifecycle', () => {
  it('takes no jobs before start() or after close(); start() and close() are idempotent', async () => {
    const { scheduler } = await testScheduler({}, { start: false });
    scheduler.handle('h', () => undefined);
    await expect(scheduler.in('1s', { handler: 'h' })).rejects.toThrow(/not started/u);
    await expect(scheduler.cancel('x')).rejects.toBeInstanceOf(SchedulerClosedError);
    const started = scheduler.start();
    expect(scheduler.start()).toBe(started);
    await started;
    await scheduler.in('1h', { handler: 'h' });
    const closing = scheduler.close();
    expect(scheduler.close()).toBe(closing);
    await closing;
    await expect(scheduler.in('1s', { handler: 'h' })).rejects.toThrow(/closed/u);
    await expect(scheduler.start()).rejects.toBeInstanceOf(SchedulerClosedError);
  });

  it('closes with await using, keeping pending jobs in the store for the next start', async () => {
    const store = new MemoryScheduleStore();
    {
      await using scheduler = new Scheduler({ store });
      scheduler.handle('h', () => undefined);
      await scheduler.start();
      await scheduler.in('1h', { handler: 'h' }, { id: 'kept' });
    }
    expect((await store.load()).map((job) => job.id)).toEqual(['kept']);
    const { scheduler } = await testScheduler({ store });
    expect(scheduler.get('kept')?.dueAt).toBeGreaterThan(Date.now());
  });
});

describe('Scheduler jobs', () => {
  it('runs a handler job once, after its delay, with its context, and forgets it', async () => {
    const { scheduler, events } = await testScheduler();
    const calls: HandlerContext[] = [];
    scheduler.handle('count', (context) => {
      calls.push(context);
      return 'done';
    });
    const before = Date.now();
    const job = await scheduler.in('80ms', { handler: 'count', payload: { n: 1 } });
    expect(job).toMatchObject({ target: { handler: 'count', payload: { n: 1 } }, trigger: { type: 'once' }, runs: 0, running: [] });
    expect(job.dueAt).toBeGreaterThanOrEqual(before + 80);
    expect(scheduler.get(job.id)).toEqual(job);
    expect(scheduler.list()).toEqual([job]);
    await retryUntil(() => events.fired.length === 1);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ jobId: job.id, dueAt: job.dueAt, payload: { n: 1 } });
    expect(call?.signal).toBeInstanceOf(AbortSignal);
    expect(Date.now()).toBeGreaterThanOrEqual(job.dueAt as number);
    const [fired] = events.fired;
    expect(fired).toMatchObject({ dueAt: job.dueAt, result: 'done', job: { id: job.id, runs: 1 } });
    expect(fired?.lagMs).toBeGreaterThanOrEqual(0);
    expect(fired?.durationMs).toBeGreaterThanOrEqual(0);
    await retryUntil(() => scheduler.size === 0);
    expect(scheduler.get(job.id)).toBeUndefined();
    expect(events.failed).toEqual([]);
  });

  it('runs at a date, with a given id', async () => {
    const { scheduler, events } = await testScheduler();
    scheduler.handle('h', () => undefined);
    const date = new Date(Date.now() + 60);
    const job = await scheduler.at(date, { handler: 'h' }, { id: 'dated' });
    expect(job).toMatchObject({ id: 'dated', dueAt: date.getTime() });
    await retryUntil(() => events.fired.length === 1);
    expect(events.fired[0]?.job.id).toBe('dated');
  });

  it('repeats every interval on a fixed grid until cancelled', async () => {
    const { scheduler, events } = await testScheduler();
    scheduler.handle('tick', () => undefined);
    const job = await scheduler.every('40ms', { handler: 'tick' });
    await retryUntil(() => events.fired.length >= 3);
    const due = events.fired.map((event) => event.dueAt);
    expect(due[0]).toBe(job.dueAt);
    expect(due.slice(1).map((time, i) => time - (due[i] as number))).toEqual(due.slice(1).map(() => 40));
    expect(await scheduler.cancel(job.id)).toBe(true);
    expect(await scheduler.cancel(job.id)).toBe(false);
    const count = events.fired.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events.fired.length).toBe(count);
    expect(scheduler.size).toBe(0);
  });

  it('fires on a cron expression (with seconds), on whole seconds', async () => {
    const { scheduler, events } = await testScheduler();
    scheduler.handle('tick', () => undefined);
    const job = await scheduler.cron('* * * * * *', { handler: 'tick' }, { timezone: 'UTC' });
    expect(job.trigger).toEqual({ type: 'cron', expression: '* * * * * *', timezone: 'UTC' });
    await retryUntil(() => events.fired.length >= 2, { timeoutMs: 4_000 });
    const [first, second] = events.fired.map((event) => event.dueAt);
    expect((first as number) % 1000).toBe(0);
    expect((second as number) - (first as number)).toBe(1000);
  });

  it('delivers a message job through `deliver`, and reports a failed delivery; a recurring job goes on', async () => {
    const sent: [string, string, AbortSignal | undefined][] = [];
    let fail = true;
    const { scheduler, events } = await testScheduler({
      deliver: async (agent, message, signal) => {
        sent.push([agent, message, signal]);
        if (fail) {
          fail = false;
          throw new Error('the agent did not take it');
        }
        return { delivered: true };
      },
      hasAgent: (name) => name === 'eng-1',
    });
    await scheduler.every('50ms', { agent: 'eng-1', message: 'Check-in: status?' });
    await retryUntil(() => events.fired.length >= 1);
    expect(events.failed).toHaveLength(1);
    expect((events.failed[0]?.error as Error).message).toBe('the agent did not take it');
    expect(events.fired[0]?.result).toEqual({ delivered: true });
    expect(sent[0]?.slice(0, 2)).toEqual(['eng-1', 'Check-in: status?']);
    expect(sent[0]?.[2]).toBeInstanceOf(AbortSignal);
  });

  it('reports a handler that is gone or throws as failed, and keeps a recurring job going', async () => {
    const { scheduler, events } = await testScheduler();
    const off = scheduler.handle('flaky', () => {
      throw new Error('boom');
    });
    await scheduler.every('40ms', { handler: 'flaky' });
    await retryUntil(() => events.failed.length >= 1);
    expect((events.failed[0]?.error as Error).message).toBe('boom');
    off();
    await retryUntil(() => events.failed.some((event) => event.error instanceof UnknownHandlerError));
    expect(events.fired).toEqual([]);
  });

  it('cancels: a pending job never fires; a running one sees its signal abort', async () => {
    const { scheduler, events } = await testScheduler();
    let signal: AbortSignal | undefined;
    scheduler.handle('slow', (context) => {
      signal = context.signal;
      return new Promise((resolve) => context.signal.addEventListener('abort', () => resolve('stopped')));
    });
    scheduler.handle('never', () => undefined);
    const pending = await scheduler.in('60ms', { handler: 'never' });
    expect(await scheduler.cancel(pending.id)).toBe(true);
    const running = await scheduler.in(0, { handler: 'slow' });
    await retryUntil(() => signal !== undefined);
    expect(scheduler.get(running.id)?.running).toHaveLength(1);
    expect(await scheduler.cancel(running.id)).toBe(true);
    expect(signal?.aborted).toBe(true);
    await retryUntil(() => events.fired.length === 1);
    expect(events.fired[0]?.result).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.fired.map((event) => event.job.id)).toEqual([running.id]);
  });

  it('cancels a job when its AbortSignal aborts, and refuses an aborted one', async () => {
    const { scheduler, events } = await testScheduler();
    scheduler.handle('h', () => undefined);
    const controller = new AbortController();
    const job = await scheduler.in('80ms', { handler: 'h' }, { signal: controller.signal });
    controller.abort();
    await retryUntil(() => scheduler.get(job.id) === undefined);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(events.fired).toEqual([]);
    await expect(scheduler.in('1s', { handler: 'h' }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(scheduler.size).toBe(0);
  });

  it('delays each due time by its jitter, within the jitter window', async () => {
    const { scheduler, events } = await testScheduler();
    const late: number[] = [];
    scheduler.handle('h', ({ dueAt }) => void late.push(Date.now() - dueAt));
    const jobs = await Promise.all(Array.from({ length: 20 }, () => scheduler.in('20ms', { handler: 'h' }, { jitter: '150ms' })));
    expect(jobs.every((job) => job.jitterMs === 150)).toBe(true);
    await retryUntil(() => late.length === 20);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    // Spread over the window, not all at the due time.
    expect(Math.max(...late) - Math.min(...late)).toBeGreaterThan(20);
    expect(Math.max(...late)).toBeLessThan(150 + 500);
    expect(events.fired.every((event) => event.lagMs >= 0)).toBe(true);
  });

  it('keeps the process alive while jobs are pending, unless told not to (one timer for all jobs)', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    for (const keepAlive of [true, false]) {
      const { scheduler } = await testScheduler({ keepAlive });
      scheduler.handle('h', () => undefined);
      const before = timers();
      const jobs = await Promise.all(Array.from({ length: 50 }, (_, i) => scheduler.in(`${i + 1}h`, { handler: 'h' })));
      expect(timers() - before).toBe(keepAlive ? 1 : 0);
      for (const job of jobs) await scheduler.cancel(job.id);
    }
  });

  it('closes by aborting the runs going and waiting for them; their end is recorded', async () => {
    const store = new MemoryScheduleStore();
    const { scheduler, events } = await testScheduler({ store });
    let started = false;
    scheduler.handle('slow', ({ signal }) => {
      started = true;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by close'))));
    });
    await scheduler.in(0, { handler: 'slow' });
    await retryUntil(() => started);
    await scheduler.close();
    expect((events.failed[0]?.error as Error).message).toBe('aborted by close');
    expect(await store.load()).toEqual([]);
  });

  it('publishes fired, failed and missed on the diagnostics channel, with the lag', async () => {
    const messages: SchedulerMessage[] = [];
    const listener = (message: unknown): void => void messages.push(message as SchedulerMessage);
    subscribe(DIAGNOSTICS_CHANNELS.scheduler, listener);
    try {
      const { scheduler } = await testScheduler();
      scheduler.handle('ok', () => undefined);
      scheduler.handle('bad', () => Promise.reject(new Error('no')));
      const ok = await scheduler.in(0, { handler: 'ok' });
      const bad = await scheduler.in(0, { handler: 'bad' });
      await retryUntil(() => messages.length === 2);
      expect(messages).toEqual(
        expect.arrayContaining([
          { event: 'fired', jobId: ok.id, lagMs: expect.any(Number) },
          { event: 'failed', jobId: bad.id, lagMs: expect.any(Number) },
        ]),
      );
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.scheduler, listener);
    }
  });
});

describe('Scheduler durability', () => {
  it('group-commits: 1,000 jobs scheduled at once are one fsync, and durable when the calls resolve', async () => {
    const store = new FileScheduleStore({ path: join(directory, 'group', 'schedule.jsonl') });
    const { scheduler } = await testScheduler({ store });
    scheduler.handle('h', () => undefined);
    const syncs = store.stats.syncs;
    const jobs = await Promise.all(Array.from({ length: 1000 }, (_, i) => scheduler.in('1h', { handler: 'h', payload: i })));
    expect(store.stats.syncs - syncs).toBe(1);
    const onDisk = parseLog(await readFile(store.path, 'utf8'), store.path);
    expect([...onDisk.jobs.keys()].sort()).toEqual(jobs.map((job) => job.id).sort());
  });

  it('claims each due time durably before running it and records the end after', async () => {
    const writes: string[] = [];
    const inner = new MemoryScheduleStore();
    const store: ScheduleStore = {
      load: () => inner.load(),
      close: () => inner.close(),
      write: async (changes) => {
        for (const change of changes) writes.push(change.type === 'put' ? `put running=${change.job.running.length} due=${change.job.dueAt === null ? 'none' : 'set'}` : 'delete');
        await inner.write(changes);
      },
    };
    const { scheduler } = await testScheduler({ store });
    const seen: string[] = [];
    scheduler.handle('h', () => void seen.push(`ran after ${writes.length} writes`));
    await scheduler.in(0, { handler: 'h' });
    await retryUntil(() => scheduler.size === 0 && writes.length === 3);
    expect(writes).toEqual(['put running=0 due=set', 'put running=1 due=none', 'delete']);
    expect(seen).toEqual(['ran after 2 writes']);
  });

  it('reports a due time it cannot claim as failed, and store failures nobody waits on as errors', async () => {
    let failing = false;
    const inner = new MemoryScheduleStore();
    const store: ScheduleStore = {
      load: () => inner.load(),
      close: () => inner.close(),
      write: async (changes) => {
        if (failing) throw new Error('disk full');
        await inner.write(changes);
      },
    };
    const { scheduler, events } = await testScheduler({ store });
    const errors: ScheduleStoreError[] = [];
    scheduler.on('error', (error) => errors.push(error));
    let ran = 0;
    scheduler.handle('h', () => void ran++);
    await scheduler.in('30ms', { handler: 'h' });
    failing = true;
    await expect(scheduler.in('1s', { handler: 'h' })).rejects.toBeInstanceOf(ScheduleStoreError);
    await retryUntil(() => events.failed.length === 1);
    expect(events.failed[0]?.error).toBeInstanceOf(ScheduleStoreError);
    expect(ran).toBe(0);
    await retryUntil(() => errors.length >= 1);
    expect(errors[0]?.message).toMatch(/disk full/u);
  });
});
