/**
 * What every ScheduleStore must do, run against each built-in (and usable for
 * a plugin's): keep the latest record per id across a reopen, apply changes in
 * order, and round-trip records exactly.
 */
import { expect, it } from 'vitest';
import type { ScheduledJob } from '../../../src/scheduler/job.js';
import type { ScheduleStore } from '../../../src/scheduler/store.js';
import { storedJob } from './jobs.js';

/** Opens the store under test; `reopen()` closes it and opens it again on the same data. */
export interface StoreHarness {
  open(): Promise<ScheduleStore>;
  reopen(store: ScheduleStore): Promise<ScheduleStore>;
}

const byId = (jobs: readonly ScheduledJob[]): ScheduledJob[] => [...jobs].sort((a, b) => a.id.localeCompare(b.id));

export function storeConformance(harness: StoreHarness): void {
  it('starts empty', async () => {
    const store = await harness.open();
    expect(await store.load()).toEqual([]);
    await store.close();
  });

  it('keeps the latest record of each id, in order within and across batches, across a reopen', async () => {
    let store = await harness.open();
    await store.load();
    const a1 = storedJob({ id: 'a' });
    const a2 = storedJob({ id: 'a', dueAt: null, running: [1_700_000_060_000], runs: 1 });
    const b = storedJob({ id: 'b', target: { agent: 'eng "1" ü', message: 'Check-in 🚀\nline two \\ $HOME' } });
    const c = storedJob({ id: 'c', trigger: { type: 'cron', expression: '*/5 * * * *', timezone: 'Europe/Paris' }, overlap: 'queue', jitterMs: 500 });
    const d = storedJob({ id: 'd', trigger: { type: 'every', intervalMs: 60_000 }, target: { handler: 'h', payload: { nested: [1, 'two', null, { three: true }] } } });
    await store.write([{ type: 'put', job: a1 }, { type: 'put', job: b }, { type: 'delete', id: 'b' }, { type: 'put', job: b }]);
    await store.write([{ type: 'put', job: a2 }, { type: 'put', job: c }, { type: 'put', job: d }]);
    await store.write([{ type: 'delete', id: 'c' }, { type: 'delete', id: 'nobody' }]);
    store = await harness.reopen(store);
    expect(byId(await store.load())).toEqual([a2, b, d]);
    await store.write([{ type: 'delete', id: 'a' }]);
    store = await harness.reopen(store);
    expect(byId(await store.load())).toEqual([b, d]);
    await store.close();
  });
}
