import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { timerAt } from '../../../src/health/recovery/timer.js';

const DAY = 86_400_000;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
});

afterEach(() => {
  vi.useRealTimers();
});

it('fires at a time weeks away (beyond what one setTimeout can wait), not before', () => {
  const fired: number[] = [];
  timerAt(Date.now() + 40 * DAY, () => fired.push(Date.now()));
  vi.advanceTimersByTime(25 * DAY);
  expect(fired).toEqual([]);
  vi.advanceTimersByTime(15 * DAY - 1);
  expect(fired).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(fired).toEqual([Date.UTC(2030, 0, 1) + 40 * DAY]);
});

it('fires at once for a time that has passed, and never once cancelled', () => {
  const fired: string[] = [];
  timerAt(Date.now() - 1000, () => fired.push('past'));
  const cancel = timerAt(Date.now() + 30 * DAY, () => fired.push('cancelled'));
  vi.advanceTimersByTime(0);
  expect(fired).toEqual(['past']);
  vi.advanceTimersByTime(25 * DAY);
  cancel();
  vi.advanceTimersByTime(10 * DAY);
  expect(fired).toEqual(['past']);
});
