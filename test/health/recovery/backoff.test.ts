import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { escalateRecovery } from '../../../src/health/recovery/escalate.js';
import { BUILTIN_RECOVERIES } from '../../../src/health/recovery/index.js';
import { notifyRecovery } from '../../../src/health/recovery/notify.js';
import { backoffDelay, restartRecovery } from '../../../src/health/recovery/restart.js';
import { resumeRecovery, resumeTime } from '../../../src/health/recovery/resume.js';

const schedule = fc
  .record({ initialDelayMs: fc.integer({ min: 1, max: 10_000 }), factor: fc.double({ min: 1, max: 4, noNaN: true }), extra: fc.integer({ min: 0, max: 100_000 }) })
  .map(({ initialDelayMs, factor, extra }) => ({ initialDelayMs, factor, maxDelayMs: initialDelayMs + extra }));

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap with the defaults', () => {
    const defaults = { initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((attempt) => backoffDelay(attempt, defaults))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('starts at the initial delay, never leaves [initial, max], never shrinks, and grows by `factor` below the cap', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: 1, max: 200 }), (s, attempt) => {
        const delay = backoffDelay(attempt, s);
        const next = backoffDelay(attempt + 1, s);
        expect(backoffDelay(1, s)).toBe(s.initialDelayMs);
        expect(delay).toBeGreaterThanOrEqual(s.initialDelayMs);
        expect(delay).toBeLessThanOrEqual(s.maxDelayMs);
        expect(next).toBeGreaterThanOrEqual(delay);
        if (next < s.maxDelayMs) expect(next).toBeCloseTo(delay * s.factor, 6);
        else expect(next).toBe(Math.min(s.maxDelayMs, delay * s.factor));
      }),
    );
  });
});

describe('resumeTime', () => {
  it('is the reset time plus the margin, or now plus the fallback when the screen gave none', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        (reset, now, marginMs, fallbackDelayMs) => {
          const at = resumeTime(reset === undefined ? undefined : new Date(reset), now, { marginMs, fallbackDelayMs });
          expect(at).toBe(reset === undefined ? now + fallbackDelayMs : reset + marginMs);
        },
      ),
    );
    expect(resumeTime(new Date(Number.NaN), 1000, { marginMs: 5, fallbackDelayMs: 10 })).toBe(1010);
  });
});

describe('built-in strategy options', () => {
  it('are checked when the strategy is made, with messages naming the option', () => {
    expect(() => restartRecovery({ initialDelayMs: -1 })).toThrow('Expected `initialDelayMs` to be a positive number, got `-1` (number)');
    expect(() => restartRecovery({ factor: 0.5 })).toThrow('Expected `factor` to be a number >= 1, got `0.5` (number)');
    expect(() => restartRecovery({ initialDelayMs: 5000, maxDelayMs: 1000 })).toThrow(/`maxDelayMs` to be at least `initialDelayMs` \(5000\)/u);
    expect(() => restartRecovery({ maxRestarts: 0 })).toThrow('Expected `maxRestarts` to be an integer >= 1, got `0` (number)');
    expect(() => restartRecovery({ windowMs: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => BUILTIN_RECOVERIES.restart({ maxRestart: 3 })).toThrow('Unknown option `maxRestart` for the `restart` recovery (known: `initialDelayMs`');
    expect(() => BUILTIN_RECOVERIES.notify({ loud: true })).toThrow('Unknown option `loud` for the `notify` recovery (it takes none)');
    expect(() => notifyRecovery()).not.toThrow();
    expect(() => BUILTIN_RECOVERIES.escalate()).toThrow('Expected `supervisor` to be a non-empty string, got `undefined` (undefined)');
    expect(() => escalateRecovery({ supervisor: 'pm', message: '' })).toThrow('Expected `message` to be a non-empty string, got `` (string)');
    expect(() => resumeRecovery({ fallbackDelayMs: 0 })).toThrow('Expected `fallbackDelayMs` to be a positive number, got `0` (number)');
    expect(() => resumeRecovery({ marginMs: -5 })).toThrow('Expected `marginMs` to be a positive number, got `-5` (number)');
    expect(() => resumeRecovery({ marginMs: 0, message: 'go on' })).not.toThrow();
    expect(() => BUILTIN_RECOVERIES.resume([] as unknown as Record<string, unknown>)).toThrow('Expected the `resume` recovery\'s options to be an object, got `` (object)');
    expect(Object.keys(BUILTIN_RECOVERIES).sort()).toEqual(['escalate', 'notify', 'restart', 'resume']);
    expect(Object.values(BUILTIN_RECOVERIES).map((factory) => (factory === BUILTIN_RECOVERIES.escalate ? 'escalate' : factory().name)).sort()).toEqual([
      'escalate',
      'notify',
      'restart',
      'resume',
    ]);
  });
});
