/**
 * Schedulers for tests: in memory by default, closed after each test.
 */
import { afterEach } from 'vitest';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import type { SchedulerOptions } from '../../../src/scheduler/options.js';
import type { FailedEvent, FiredEvent, MissedEvent } from '../../../src/scheduler/events.js';

const open = new Set<Scheduler>();

afterEach(async () => {
  await Promise.all([...open].map((scheduler) => scheduler.close()));
  open.clear();
});

/** What a scheduler reported. */
export interface Recorded {
  readonly fired: FiredEvent[];
  readonly failed: FailedEvent[];
  readonly missed: MissedEvent[];
}

/** A scheduler (memory store unless told), its events recorded; `start()` is left to the test when `start: false`. */
export async function testScheduler(options: SchedulerOptions = {}, { start = true } = {}): Promise<{ scheduler: Scheduler; events: Recorded }> {
  const scheduler = new Scheduler({ store: 'memory', ...options });
  open.add(scheduler);
  const events: Recorded = { fired: [], failed: [], missed: [] };
  scheduler.on('schedule:fired', (event) => events.fired.push(event));
  scheduler.on('schedule:failed', (event) => events.failed.push(event));
  scheduler.on('schedule:missed', (event) => events.missed.push(event));
  if (start) await scheduler.start();
  return { scheduler, events };
}
