import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseDuration } from '../../src/scheduler/durations.js';

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNITS;

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h30m', 9_000_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1d 12h', 129_600_000],
    ['1w', 604_800_000],
    [' 5m ', 300_000],
    ['0s', 0],
    ['1m1ms', 60_001],
    ['0.4ms', 0],
    [1500, 1500],
    [0, 0],
    [2.6, 3],
  ])('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', '5', 'h', '5x', '-5s', '5 s', '1.s', '.5s', 's5', '5m-', '1e3ms', 'NaN', '2h 30', '١s'])('refuses %j', (input) => {
    expect(() => parseDuration(input)).toThrow(InvalidArgumentError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, null, undefined, {}, [], true])('refuses %j', (input) => {
    expect(() => parseDuration(input as never)).toThrow(InvalidArgumentError);
  });

  it('sums any sequence of <number><unit> parts, with or without spaces', () => {
    const part = fc.record({
      amount: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 9_999 }).map((n) => n / 100)),
      unit: fc.constantFrom(...(Object.keys(UNITS) as Unit[])),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, spaced) => {
        const text = parts.map(({ amount, unit }) => `${amount}${unit}`).join(spaced ? ' ' : '');
        const expected = Math.round(parts.reduce((sum, { amount, unit }) => sum + amount * UNITS[unit], 0));
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it('takes any safe non-negative number of ms, rounded', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 52, noNaN: true }), (ms) => {
        expect(parseDuration(ms)).toBe(Math.round(ms));
      }),
    );
  });

  it('refuses strings that are not unit sequences', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\s*(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\s*)+$/u.test(text));
        expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
      }),
    );
  });
});
