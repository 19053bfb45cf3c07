import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SloEvaluator, type AlertEvent } from '../../src/metrics/alerts.js';
import { ALERT_LEVELS, DEFAULT_SLO, type SloLevels, type SloMetric } from '../../src/metrics/options.js';

const CYCLE: SloLevels = { warning: 100, critical: 200, emergency: 400 };

function evaluator(options: { margin?: number; dwell?: number; levels?: SloLevels } = {}): SloEvaluator {
  return new SloEvaluator({
    slo: { ...DEFAULT_SLO, cycleP95Ms: options.levels ?? CYCLE },
    margin: options.margin ?? 0.1,
    dwell: options.dwell ?? 1,
  });
}

const brief = (events: readonly AlertEvent[]): string[] => events.map((event) => `${event.level} ${event.state}`);

describe('SloEvaluator', () => {
  it('raises a level once when the value reaches its threshold and clears it once below the margin', () => {
    const slo = evaluator();
    expect(brief(slo.evaluate('cycleP95Ms', 99, 1))).toEqual([]);
    expect(slo.evaluate('cycleP95Ms', 100, 2)).toEqual([
      { metric: 'cycleP95Ms', level: 'warning', value: 100, threshold: 100, state: 'raised', at: 2 },
    ]);
    expect(slo.evaluate('cycleP95Ms', 150, 3)).toEqual([]);
    // Below the threshold but within the margin (90 to 100): still raised.
    expect(slo.evaluate('cycleP95Ms', 90, 4)).toEqual([]);
    expect(slo.active()).toEqual([{ metric: 'cycleP95Ms', level: 'warning', threshold: 100, value: 90, since: 2 }]);
    expect(slo.level('cycleP95Ms')).toBe(1);
    expect(slo.evaluate('cycleP95Ms', 89.9, 5)).toEqual([
      { metric: 'cycleP95Ms', level: 'warning', value: 89.9, threshold: 100, state: 'cleared', at: 5 },
    ]);
    expect(slo.evaluate('cycleP95Ms', 50, 6)).toEqual([]);
    expect(slo.active()).toEqual([]);
    expect(slo.level('cycleP95Ms')).toBe(0);
  });

  it('escalates as separate raises, mildest first, and clears gravest first', () => {
    const slo = evaluator();
    expect(brief(slo.evaluate('cycleP95Ms', 150, 1))).toEqual(['warning raised']);
    expect(brief(slo.evaluate('cycleP95Ms', 500, 2))).toEqual(['critical raised', 'emergency raised']);
    expect(slo.level('cycleP95Ms')).toBe(3);
    expect(brief(slo.evaluate('cycleP95Ms', 10, 3))).toEqual(['emergency cleared', 'critical cleared', 'warning cleared']);
    expect(brief(slo.evaluate('cycleP95Ms', 1000, 4))).toEqual(['warning raised', 'critical raised', 'emergency raised']);
  });

  it('waits for `dwell` consecutive values before flipping a level', () => {
    const slo = evaluator({ dwell: 3 });
    expect(brief(slo.evaluate('cycleP95Ms', 120, 1))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 120, 2))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 80, 3))).toEqual([]); // the streak breaks
    expect(brief(slo.evaluate('cycleP95Ms', 120, 4))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 120, 5))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 120, 6))).toEqual(['warning raised']);
    expect(brief(slo.evaluate('cycleP95Ms', 10, 7))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 10, 8))).toEqual([]);
    expect(brief(slo.evaluate('cycleP95Ms', 10, 9))).toEqual(['warning cleared']);
  });

  it('ignores NaN, measures without thresholds, and levels left out', () => {
    const slo = new SloEvaluator({ slo: { ...DEFAULT_SLO, cpu: false, memory: { critical: 0.5 } }, margin: 0.1, dwell: 1 });
    expect(slo.evaluate('cpu', 1, 1)).toEqual([]);
    expect(slo.metrics).not.toContain('cpu');
    expect(brief(slo.evaluate('memory', 0.99, 2))).toEqual(['critical raised']);
    expect(slo.evaluate('memory', Number.NaN, 3)).toEqual([]);
    expect(slo.level('memory')).toBe(2);
  });

  it('never flaps: per level, raises and clears alternate, each justified by its value', () => {
    const metric: SloMetric = 'cycleP95Ms';
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 600, noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (values, dwell, margin) => {
          const slo = evaluator({ dwell, margin });
          const lastState = new Map<string, 'raised' | 'cleared'>();
          values.forEach((value, at) => {
            for (const event of slo.evaluate(metric, value, at)) {
              expect(lastState.get(event.level) ?? 'cleared').not.toBe(event.state);
              lastState.set(event.level, event.state);
              if (event.state === 'raised') expect(value).toBeGreaterThanOrEqual(event.threshold);
              else expect(value).toBeLessThan(event.threshold * (1 - margin));
            }
            // Graver levels are only ever raised on top of the milder ones.
            const raised = slo.active().map((alert) => ALERT_LEVELS.indexOf(alert.level));
            expect(raised.sort()).toEqual(raised.map((_, i) => i));
          });
        },
      ),
    );
  });

  it('raises nothing for a value that hovers within the margin after one raise', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 91, max: 199, noNaN: true }), { maxLength: 100 }), (values) => {
        const slo = evaluator();
        expect(brief(slo.evaluate('cycleP95Ms', 100, 0))).toEqual(['warning raised']);
        for (const value of values) expect(slo.evaluate('cycleP95Ms', value, 1)).toEqual([]);
      }),
    );
  });
});
