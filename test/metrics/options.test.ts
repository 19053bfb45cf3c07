import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { BoundedLabels, OTHER_LABEL } from '../../src/metrics/labels.js';
import { DEFAULT_SLO, resolveCollectorSettings, type MetricsCollectorOptions } from '../../src/metrics/options.js';
import { OutcomeWindow } from '../../src/metrics/outcome-window.js';

describe('resolveCollectorSettings', () => {
  it('applies the defaults', () => {
    expect(resolveCollectorSettings({})).toEqual({
      slo: DEFAULT_SLO,
      margin: 0.1,
      dwell: 2,
      minSamples: 10,
      window: 100,
      sampleIntervalMs: 5000,
      prefix: 'tmux_orchestrator_',
      maxAgentSeries: 100,
    });
  });

  it('replaces a measure\'s levels as a whole and turns measures off with false', () => {
    const settings = resolveCollectorSettings({ slo: { cycleP95Ms: { critical: 250 }, cpu: false }, sampleIntervalMs: false, prefix: '' });
    expect(settings.slo.cycleP95Ms).toEqual({ critical: 250 });
    expect(settings.slo.cpu).toBe(false);
    expect(settings.slo.memory).toEqual(DEFAULT_SLO.memory);
    expect(settings.sampleIntervalMs).toBe(false);
    expect(settings.prefix).toBe('');
    expect(resolveCollectorSettings({ window: 4 }).minSamples).toBe(4);
  });

  it.each<[MetricsCollectorOptions, string]>([
    [{ window: 0 }, 'Expected `window` to be an integer >= 1, got `0` (number)'],
    [{ sampleIntervalMs: -1 }, 'Expected `sampleIntervalMs` to be a positive number, got `-1` (number)'],
    [{ prefix: 'tmux-orchestrator_' }, 'Expected `prefix` to be a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got `tmux-orchestrator_` (string)'],
    [{ hysteresis: { margin: 1 } }, 'Expected `hysteresis.margin` to be a number from 0 to below 1, got `1` (number)'],
    [{ hysteresis: { dwell: 0 } }, 'Expected `hysteresis.dwell` to be an integer >= 1, got `0` (number)'],
    [{ hysteresis: { minSamples: 1.5 } }, 'Expected `hysteresis.minSamples` to be an integer >= 1, got `1.5` (number)'],
    [{ window: 5, hysteresis: { minSamples: 6 } }, 'Expected `hysteresis.minSamples` to be at most `window` (5), got `6` (number)'],
    [{ maxAgentSeries: -1 }, 'Expected `maxAgentSeries` to be an integer >= 0, got `-1` (number)'],
    [{ slo: { cycleP95: { warning: 1 } } as never }, 'Expected `slo` keys among cycleP95Ms, errorRate, deliveryFailureRate, cpu, memory, got `cycleP95`'],
    [{ slo: { cpu: { warn: 0.5 } } as never }, 'Expected `slo.cpu` keys among warning, critical, emergency, got `warn`'],
    [{ slo: { cpu: { warning: 0 } } }, 'Expected `slo.cpu.warning` to be a positive number, got `0` (number)'],
    [{ slo: { cpu: { warning: 0.9, critical: 0.8 } } }, "Expected `slo.cpu.critical` to be above the milder levels' thresholds, got `0.8` (number)"],
    [{ slo: { cpu: true } as never }, 'Expected `slo.cpu` to be an object of levels or false, got `true` (boolean)'],
    [{ pools: {} as never }, 'Expected `pools` to be a function, got `[object Object]` (object)'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveCollectorSettings(options)).toThrow(new InvalidOptionError(message));
  });
});

describe('OutcomeWindow', () => {
  it('is NaN when empty', () => {
    expect(new OutcomeWindow(3).failureRate).toBeNaN();
  });

  it('is the failed share of the last `capacity` outcomes', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (outcomes, capacity) => {
        const window = new OutcomeWindow(capacity);
        outcomes.forEach((ok, i) => {
          window.record(ok);
          const recent = outcomes.slice(Math.max(0, i + 1 - capacity), i + 1);
          expect(window.size).toBe(recent.length);
          expect(window.failureRate).toBeCloseTo(recent.filter((value) => !value).length / recent.length, 12);
        });
      }),
    );
  });
});

describe('BoundedLabels', () => {
  it('keeps the first `max` distinct values and maps later ones to other', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 100 }), fc.integer({ min: 0, max: 20 }), (values, max) => {
        const labels = new BoundedLabels(max);
        const kept = [...new Set(values)].slice(0, max);
        for (const value of values) expect(labels.label(value)).toBe(kept.includes(value) ? value : OTHER_LABEL);
      }),
    );
  });
});
