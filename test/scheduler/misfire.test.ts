import { describe, expect, it } from 'vitest';
import { MemoryScheduleStore } from '../../src/scheduler/memory-store.js';
import { planMisfire } from '../../src/scheduler/misfire.js';
import { compileTrigger } from '../../src/scheduler/trigger.js';
import type { JobTrigger } from '../../src/scheduler/job.js';
import { retryUntil } from '../../src/testing/retry.js';
import { storedJob } from './support/jobs.js';
import { testScheduler } from './support/scheduler.js';

const plan = (dueAt: number, now: number, policy: 'fire-once' | 'skip' | 'fire-all', trigger: JobTrigger) =>
  planMisfire(dueAt, now, policy, trigger, compileTrigger(trigger));

describe('planMisfire', () => {
  const every = { type: 'every', intervalMs: 1_000 } as const;

  it('fires a one-shot once, or skips it (then it is done)', () => {
    expect(plan(100, 5_000, 'fire-once', { type: 'once' })).toEqual({ dueAt: 100, catchUp: false });
    expect(plan(100, 5_000, 'fire-all', { type: 'once' })).toEqual({ dueAt: 100, catchUp: true });
    expect(plan(100, 5_000, 'skip', { type: 'once' })).toEqual({ dueAt: null, missed: { from: 100, count: 1 }, catchUp: false });
  });

  it('fires a recurring job once for the latest due time and reports the others missed', () => {
    // Due at 0, 1000, …, 5000 (6 times) by 5500.
    expect(plan(0, 5_500, 'fire-once', every)).toEqual({ dueAt: 5_000, missed: { from: 0, count: 5 }, catchUp: false });
    expect(plan(0, 5_000, 'fire-once', every)).toEqual({ dueAt: 5_000, missed: { from: 0, count: 5 }, catchUp: false });
    expect(plan(0, 500, 'fire-once', every)).toEqual({ dueAt: 0, catchUp: false });
    expect(plan(0, 5_500, 'skip', every)).toEqual({ dueAt: 6_000, missed: { from: 0, count: 6 }, catchUp: false });
    expect(plan(0, 5_500, 'fire-all', every)).toEqual({ dueAt: 0, catchUp: true });
  });

  it('counts cron due times one by one', () => {
    const cron = { type: 'cron', expression: '*/10 * * * * *', timezone: 'UTC' } as const;
    const start = Date.UTC(2024, 0, 1, 0, 0, 0);
    expect(plan(start, start + 35_000, 'fire-once', cron)).toEqual({ dueAt: start + 30_000, missed: { from: start, count: 3 }, catchUp: false });
    expect(plan(start, start + 35_000, 'skip', cron)).toEqual({ dueAt: start + 40_000, missed: { from: start, count: 4 }, catchUp: false });
  });
});

describe('Scheduler start after downtime', () => {
  const past = (ms: number): number => Date.now() - ms;

  it('fire-once (the default): each missed one-shot fires once, with its own due time', async () => {
    const dueAt = past(5_000);
    const store = new MemoryScheduleStore([storedJob({ id: 'a', dueAt }), storedJob({ id: 'b', dueAt: past(60_000) })]);
    const { scheduler, events } = await testScheduler({ store }, { start: false });
    const calls: string[] = [];
    scheduler.handle('count', ({ jobId, dueAt: due }) => void calls.push(`${jobId}@${due}`));
    await scheduler.start();
    await retryUntil(() => calls.length === 2 && scheduler.size === 0);
    expect(calls).toContain(`a@${dueAt}`);
    expect(events.fired.find((event) => event.job.id === 'a')?.lagMs).toBeGreaterThanOrEqual(5_000);
    expect(events.missed).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(2);
    expect(await store.load()).toEqual([]);
  });

  it('skip: missed due times are reported, not run; a recurring job goes on from the next one', async () => {
    const now = Date.now();
    const store = new MemoryScheduleStore([
      storedJob({ id: 'once', dueAt: now - 5_000 }),
      storedJob({ id: 'every', dueAt: now - 5_500, trigger: { type: 'every', intervalMs: 1_000 } }),
    ]);
    const { scheduler, events } = await testScheduler({ store, misfire: 'skip' }, { start: false });
    let runs = 0;
    scheduler.handle('count', () => void runs++);
    await scheduler.start();
    expect(events.missed.map(({ job, dueAt, count, reason }) => ({ id: job.id, dueAt, count, reason }))).toEqual([
      { id: 'once', dueAt: now - 5_000, count: 1, reason: 'misfire' },
      { id: 'every', dueAt: now - 5_500, count: 6, reason: 'misfire' },
    ]);
    expect(scheduler.get('once')).toBeUndefined();
    expect(scheduler.get('every')?.dueAt).toBe(now + 500);
    expect((await store.load()).map((job) => [job.id, job.dueAt])).toEqual([['every', now + 500]]);
    expect(runs).toBe(0);
  });

  it('fire-once on a recurring job: one run for the latest due time, the rest reported missed', async () => {
    const now = Date.now();
    const store = new MemoryScheduleStore([storedJob({ id: 'every', dueAt: now - 5_500, trigger: { type: 'every', intervalMs: 1_000 } })]);
    const { scheduler, events } = await testScheduler({ store }, { start: false });
    const due: number[] = [];
    scheduler.handle('count', ({ dueAt }) => void due.push(dueAt));
    await scheduler.start();
    await retryUntil(() => due.length === 1);
    expect(due).toEqual([now - 500]);
    expect(events.missed.map(({ dueAt, count, reason }) => ({ dueAt, count, reason }))).toEqual([{ dueAt: now - 5_500, count: 5, reason: 'misfire' }]);
    await retryUntil(() => scheduler.get('every')?.dueAt === now + 500);
  });

  it('fire-all: every missed due time runs, one after another, oldest first', async () => {
    const now = Date.now();
    const store = new MemoryScheduleStore([storedJob({ id: 'every', dueAt: now - 2_500, trigger: { type: 'every', intervalMs: 1_000 }, overlap: 'allow' })]);
    const { scheduler, events } = await testScheduler({ store, misfire: 'fire-all' }, { start: false });
    const due: number[] = [];
    let running = 0;
    let most = 0;
    scheduler.handle('count', async ({ dueAt }) => {
      due.push(dueAt);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
    });
    await scheduler.start();
    await retryUntil(() => due.length === 3);
    expect(due).toEqual([now - 2_500, now - 1_500, now - 500]);
    expect(most).toBe(1);
    expect(events.missed).toEqual([]);
  });

  it('reports a run the process died in as interrupted, and does not run it again', async () => {
    const now = Date.now();
    const store = new MemoryScheduleStore([
      storedJob({ id: 'once', dueAt: null, running: [now - 1_000], runs: 1 }),
      storedJob({ id: 'every', dueAt: now + 60_000, running: [now - 2_000], runs: 3, trigger: { type: 'every', intervalMs: 62_000 } }),
    ]);
    const { scheduler, events } = await testScheduler({ store }, { start: false });
    let runs = 0;
    scheduler.handle('count', () => void runs++);
    await scheduler.start();
    expect(events.missed.map(({ job, dueAt, reason, count }) => [job.id, dueAt, reason, count])).toEqual([
      ['once', now - 1_000, 'interrupted', 1],
      ['every', now - 2_000, 'interrupted', 1],
    ]);
    expect(scheduler.get('once')).toBeUndefined();
    expect(scheduler.get('every')).toMatchObject({ running: [], runs: 3, dueAt: now + 60_000 });
    expect((await store.load()).map((job) => job.id)).toEqual(['every']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(0);
  });

  it('a crash during a run: the store holds the claim, and the next start reports it interrupted instead of running it twice', async () => {
    const store = new MemoryScheduleStore();
    const first = await testScheduler({ store });
    let calls = 0;
    first.scheduler.handle('count', ({ signal }) => {
      calls++;
      return new Promise((resolve) => signal.addEventListener('abort', resolve));
    });
    const job = await first.scheduler.in(0, { handler: 'count' });
    await retryUntil(() => calls === 1);
    // What a process killed now leaves on disk.
    const atCrash = new MemoryScheduleStore(await store.load());
    const second = await testScheduler({ store: atCrash }, { start: false });
    second.scheduler.handle('count', () => void calls++);
    await second.scheduler.start();
    expect(second.events.missed.map(({ job: { id }, dueAt, reason }) => ({ id, dueAt, reason }))).toEqual([{ id: job.id, dueAt: job.dueAt, reason: 'interrupted' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(1);
    expect(await atCrash.load()).toEqual([]);
  });
});
