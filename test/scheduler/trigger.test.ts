import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidScheduleError } from '../../src/scheduler/errors.js';
import { compileTrigger, jitterOffset } from '../../src/scheduler/trigger.js';

describe('compileTrigger', () => {
  it('gives no due time after a one-shot, fixed steps for an interval', () => {
    expect(compileTrigger({ type: 'once' })(1_000)).toBeNull();
    const next = compileTrigger({ type: 'every', intervalMs: 250 });
    expect(next(1_000)).toBe(1_250);
  });

  it('gives the next cron time strictly after the previous one, in the timezone', () => {
    const next = compileTrigger({ type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Paris' });
    const first = next(Date.UTC(2024, 0, 15, 12, 0, 0)) as number;
    expect(new Date(first).toISOString()).toBe('2024-01-16T08:00:00.000Z');
    expect(new Date(next(first) as number).toISOString()).toBe('2024-01-17T08:00:00.000Z');
    // Summer time: 9:00 in Paris is 7:00 UTC.
    expect(new Date(next(Date.UTC(2024, 6, 1, 12)) as number).toISOString()).toBe('2024-07-02T07:00:00.000Z');
  });

  it.each([
    ['61 * * * *', undefined],
    ['not a cron', undefined],
    ['* * *', undefined],
    ['2030-01-01T00:00:00', undefined],
    ['@reboot', undefined],
    ['* * * * *', 'Nowhere/Special'],
    ['* * * * *', ''],
  ])('refuses %j (timezone %j) with an InvalidScheduleError', (expression, timezone) => {
    expect(() => compileTrigger(timezone === undefined ? { type: 'cron', expression } : { type: 'cron', expression, timezone })).toThrow(InvalidScheduleError);
  });
});

describe('jitterOffset', () => {
  it('is 0 without jitter, and otherwise stable and within 0…jitter', () => {
    expect(jitterOffset('a', 1, 0)).toBe(0);
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.integer({ min: 1, max: 10_000_000 }), (id, dueAt, jitter) => {
        const offset = jitterOffset(id, dueAt, jitter);
        expect(offset).toBe(jitterOffset(id, dueAt, jitter));
        expect(Number.isInteger(offset) && offset >= 0 && offset <= jitter).toBe(true);
      }),
    );
  });

  it('spreads jobs over the window', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.min(9, Math.floor(jitterOffset(`job-${i}`, 1_700_000_000_000, 999) / 100))]! += 1;
    for (const bucket of buckets) expect(bucket).toBeGreaterThan(800);
  });
});
