/**
 * Records for store and misfire tests.
 */
import type { ScheduledJob } from '../../../src/scheduler/job.js';

/** A stored job record, with defaults for what the test does not care about. */
export function storedJob(overrides: Partial<ScheduledJob> & Pick<ScheduledJob, 'id'>): ScheduledJob {
  return {
    target: { handler: 'count', payload: { id: overrides.id } },
    trigger: { type: 'once' },
    jitterMs: 0,
    overlap: 'skip',
    createdAt: 1_700_000_000_000,
    dueAt: 1_700_000_060_000,
    running: [],
    runs: 0,
    ...overrides,
  };
}
