import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSizeOf } from '../../src/cache/size.js';

describe('defaultSizeOf', () => {
  it('counts strings at two bytes per UTF-16 unit', () => {
    expect(defaultSizeOf('')).toBe(0);
    expect(defaultSizeOf('abc')).toBe(6);
    expect(defaultSizeOf('❯ é')).toBe(6);
  });

  it('sums arrays of lines', () => {
    expect(defaultSizeOf(['ab', 'cde', ''])).toBe(10);
    expect(defaultSizeOf([])).toBe(0);
  });

  it('counts Buffers and typed arrays by their bytes', () => {
    expect(defaultSizeOf(Buffer.alloc(100))).toBe(100);
    expect(defaultSizeOf(new Uint32Array(4))).toBe(16);
    expect(defaultSizeOf([Buffer.alloc(3), 'a'])).toBe(5);
  });

  it('estimates objects by their JSON', () => {
    expect(defaultSizeOf({ a: 1 })).toBe(JSON.stringify({ a: 1 }).length * 2);
    expect(defaultSizeOf([{ a: 1 }, 'xy'])).toBe(JSON.stringify({ a: 1 }).length * 2 + 4);
    expect(defaultSizeOf(42)).toBe(8);
    expect(defaultSizeOf(null)).toBe(8);
  });

  it('survives values JSON cannot take', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const array: unknown[] = [];
    array.push(array);
    expect(defaultSizeOf(cyclic)).toBe(1024);
    expect(defaultSizeOf({ big: 1n })).toBe(1024);
    expect(defaultSizeOf(array)).toBe(1024);
  });

  it('is a non-negative finite number for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const size = defaultSizeOf(value);
        expect(Number.isFinite(size)).toBe(true);
        expect(size).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
