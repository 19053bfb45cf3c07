import { describe, expect, it } from 'vitest';
import type { OverlapPolicy } from '../../src/scheduler/job.js';
import { retryUntil } from '../../src/testing/retry.js';
import { testScheduler } from './support/scheduler.js';

const INTERVAL = 40;
const RUN_MS = 100;

/** A job every 40 ms whose runs take 100 ms, until 5 runs started. */
async function overlapping(overlap: OverlapPolicy) {
  const { scheduler, events } = await testScheduler();
  const started: number[] = [];
  let running = 0;
  let most = 0;
  scheduler.handle('slow', async ({ dueAt }) => {
    started.push(dueAt);
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    running--;
  });
  const job = await scheduler.every(INTERVAL, { handler: 'slow' }, { overlap });
  await retryUntil(() => started.length >= 5, { timeoutMs: 10_000 });
  await scheduler.cancel(job.id);
  return { started, most, events, first: job.dueAt as number };
}

describe('overlap policies of recurring jobs', () => {
  it('skip (the default): a due time that comes while a run is going is reported missed', async () => {
    const { started, most, events, first } = await overlapping('skip');
    expect(most).toBe(1);
    const skipped = events.missed.filter((event) => event.reason === 'overlap').map((event) => event.dueAt);
    expect(skipped.length).toBeGreaterThanOrEqual(4);
    // Every due time on the grid was either run or reported, never both.
    const seen = [...started, ...skipped].sort((a, b) => a - b);
    expect(seen).toEqual(seen.map((_, i) => first + i * INTERVAL));
  });

  it('queue: every due time runs, one after another, in order', async () => {
    const { started, most, events, first } = await overlapping('queue');
    expect(most).toBe(1);
    expect(started).toEqual(started.map((_, i) => first + i * INTERVAL));
    expect(events.missed).toEqual([]);
  });

  it('allow: runs overlap', async () => {
    const { started, most, events, first } = await overlapping('allow');
    expect(most).toBeGreaterThanOrEqual(2);
    expect(started).toEqual(started.map((_, i) => first + i * INTERVAL));
    expect(events.missed).toEqual([]);
  });
});
