import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResetTime, validateTimeZone } from '../../../src/agents/detectors/reset-time.js';
import { InvalidOptionError } from '../../../src/errors.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (date: Date | undefined): string | undefined => date?.toISOString();

describe('parseResetTime', () => {
  it('reads a clock time in parentheses, and prefers it over the retry delay', () => {
    const now = at('2026-11-23T05:18:52Z');
    expect(iso(parseResetTime('✻ Session limit reached · Retrying in 4s (7:18am) · attempt 1/2', now, 'UTC'))).toBe('2026-11-23T07:18:00.000Z');
  });

  it('takes the next such time: today while it is ahead or within the rounding, tomorrow once past', () => {
    expect(iso(parseResetTime('resets 7pm', at('2026-11-23T18:00:00Z'), 'UTC'))).toBe('2026-11-23T19:00:00.000Z');
    expect(iso(parseResetTime('resets 7pm', at('2026-11-23T19:30:00Z'), 'UTC'))).toBe('2026-11-23T19:00:00.000Z');
    expect(iso(parseResetTime('resets 7pm', at('2026-11-23T20:30:00Z'), 'UTC'))).toBe('2026-11-24T19:00:00.000Z');
    expect(iso(parseResetTime('(7:18am)', at('2026-11-23T07:18:30Z'), 'UTC'))).toBe('2026-11-23T07:18:00.000Z');
    expect(iso(parseResetTime('(7:18am)', at('2026-11-23T07:20:00Z'), 'UTC'))).toBe('2026-11-24T07:18:00.000Z');
    expect(iso(parseResetTime('resets 12am', at('2026-11-23T13:00:00Z'), 'UTC'))).toBe('2026-11-24T00:00:00.000Z');
    expect(iso(parseResetTime('resets 12:30pm', at('2026-11-23T08:00:00Z'), 'UTC'))).toBe('2026-11-23T12:30:00.000Z');
  });

  it('uses the zone named on screen, then the given zone, across daylight saving time', () => {
    expect(iso(parseResetTime('resets 3pm (Europe/Berlin)', at('2026-11-23T10:00:00Z'), 'UTC'))).toBe('2026-11-23T14:00:00.000Z');
    expect(iso(parseResetTime('resets 3pm (Europe/Berlin)', at('2026-07-01T10:00:00Z')))).toBe('2026-07-01T13:00:00.000Z');
    expect(iso(parseResetTime('try again at 8:05 PM', at('2026-11-23T10:00:00Z'), 'America/New_York'))).toBe('2026-11-24T01:05:00.000Z');
    expect(iso(parseResetTime('resets 3pm (Mars/Olympus)', at('2026-11-23T10:00:00Z'), 'UTC'))).toBe('2026-11-23T15:00:00.000Z');
  });

  it('uses the local zone by default', () => {
    const now = at('2026-11-23T10:11:12Z');
    const expected = new Date(now);
    expected.setHours(19, 0, 0, 0);
    if (expected.getTime() + 3_600_000 <= now) expected.setDate(expected.getDate() + 1);
    expect(parseResetTime('resets 7pm', now)).toEqual(expected);
  });

  it('reads a 24-hour reset time', () => {
    expect(iso(parseResetTime('limit resets at 19:45', at('2026-11-23T10:00:00Z'), 'UTC'))).toBe('2026-11-23T19:45:00.000Z');
  });

  it('reads Unix seconds after a bar, even without `now`', () => {
    expect(iso(parseResetTime('Claude AI usage limit reached|1763884800', undefined))).toBe('2025-11-23T08:00:00.000Z');
  });

  it('reads delays', () => {
    const now = at('2026-11-23T10:00:00Z');
    expect(parseResetTime('API error · Retrying in 4s · attempt 1/2', now)?.getTime()).toBe(now + 4_000);
    expect(parseResetTime('Retrying in 0.2 seconds...', now)?.getTime()).toBe(now + 200);
    expect(parseResetTime('waiting (in 2m 11s)', now)?.getTime()).toBe(now + 131_000);
    expect(parseResetTime('try again in 2 days 3 hours 5 minutes.', now)?.getTime()).toBe(now + (2 * 86_400 + 3 * 3_600 + 5 * 60) * 1000);
    expect(parseResetTime('retry in 1 hr and 30 mins', now)?.getTime()).toBe(now + 5_400_000);
    expect(parseResetTime('in 500ms', now)?.getTime()).toBe(now + 500);
  });

  it('says nothing without a time, or without `now` for clock times and delays', () => {
    expect(parseResetTime('Number of requests has exceeded your rate limit', at('2026-11-23T10:00:00Z'))).toBeUndefined();
    expect(parseResetTime('resets 7pm', undefined)).toBeUndefined();
    expect(parseResetTime('Retrying in 4s', undefined)).toBeUndefined();
    expect(parseResetTime('resets 13pm', at('2026-11-23T10:00:00Z'), 'UTC')).toBeUndefined();
  });

  it('puts any delay that far ahead (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.integer({ min: 0, max: 100_000 }), (now, seconds) => {
        expect(parseResetTime(`Retrying in ${seconds}s`, now)?.getTime()).toBe(now + seconds * 1000);
      }),
    );
  });

  it('puts any clock time at most a day ahead, at that time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 59 }),
        fc.boolean(),
        (now, hour, minute, pm) => {
          const text = `resets ${hour}:${String(minute).padStart(2, '0')}${pm ? 'pm' : 'am'}`;
          const reset = parseResetTime(text, now, 'UTC');
          expect(reset).toBeDefined();
          const time = reset!.getTime();
          expect(time).toBeGreaterThan(now - 60_000);
          expect(time).toBeLessThanOrEqual(now + 86_400_000);
          expect(reset!.getUTCHours()).toBe((hour % 12) + (pm ? 12 : 0));
          expect(reset!.getUTCMinutes()).toBe(minute);
        },
      ),
    );
  });
});

describe('validateTimeZone', () => {
  it('accepts IANA zones and undefined, and rejects anything else', () => {
    expect(validateTimeZone('timeZone', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimeZone('timeZone', undefined)).toBeUndefined();
    expect(() => validateTimeZone('timeZone', 'Mars/Olympus')).toThrow(InvalidOptionError);
    expect(() => validateTimeZone('timeZone', 5)).toThrow('Expected `timeZone` to be an IANA time zone such as `Europe/Berlin`, got `5` (number)');
  });
});
