import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidOptionError } from '../../src/index.js';
import { LatencyWindow, percentile } from '../../src/util/latency.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = [5, 1, 3, 2, 4];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 20)).toBe(1);
    expect(percentile(values, 21)).toBe(2);
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 100)).toBe(5);
    expect(values).toEqual([5, 1, 3, 2, 4]);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it.each([-1, 101, Number.NaN])('rejects p = %s', (p) => {
    expect(() => percentile([1], p)).toThrow(InvalidArgumentError);
  });

  it('is the smallest value with at least p% of the values at or below it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        const result = percentile(values, p);
        const atOrBelow = (limit: number): number => values.filter((value) => value <= limit).length;
        expect(values).toContain(result);
        expect(atOrBelow(result)).toBeGreaterThanOrEqual((p / 100) * values.length);
        for (const smaller of values.filter((value) => value < result)) {
          expect(atOrBelow(smaller)).toBeLessThan((p / 100) * values.length);
        }
      }),
    );
  });

  it('never decreases as p grows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p, q) => {
        const [low, high] = p <= q ? [p, q] : [q, p];
        expect(percentile(values, low)).toBeLessThanOrEqual(percentile(values, high));
      }),
    );
  });
});

describe('LatencyWindow', () => {
  it('keeps the last `capacity` samples and counts them all', () => {
    const window = new LatencyWindow(3);
    expect(window.percentile(50)).toBeNaN();
    for (const sample of [100, 200, 1, 2, 3]) window.record(sample);
    expect(window.values().sort((a, b) => a - b)).toEqual([1, 2, 3]);
    expect(window.count).toBe(5);
    expect(window.percentile(100)).toBe(3);
    expect(window.percentile(50)).toBe(2);
  });

  it('holds what the last samples hold, for any sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), (capacity, samples) => {
        const window = new LatencyWindow(capacity);
        for (const sample of samples) window.record(sample);
        const kept = samples.slice(Math.max(0, samples.length - capacity));
        expect(window.values().sort((a, b) => a - b)).toEqual([...kept].sort((a, b) => a - b));
        expect(window.count).toBe(samples.length);
      }),
    );
  });

  it('rejects a capacity below 1', () => {
    expect(() => new LatencyWindow(0)).toThrow(new InvalidOptionError('Expected `capacity` to be an integer >= 1, got `0` (number)'));
  });
});
