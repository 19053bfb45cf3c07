/**
 * SLO alerts with hysteresis: each level of each measure is raised once when
 * the value crosses its threshold and cleared once when it is back below the
 * threshold minus a margin, so a value hovering at a threshold never flaps.
 *
 * @module
 */
import { ALERT_LEVELS, SLO_METRICS, type AlertLevel, type SloLevels, type SloMetric } from './options.js';

/** An `alert` event of `MetricsCollector`. */
export interface AlertEvent {
  /** The measure. */
  readonly metric: SloMetric;
  /** The level raised or cleared. */
  readonly level: AlertLevel;
  /** The value that raised or cleared it (ms for `cycleP95Ms`, a share from 0 to 1 otherwise). */
  readonly value: number;
  /** The level's threshold. */
  readonly threshold: number;
  /** `raised` when the value crossed the threshold, `cleared` once it fell back below `threshold × (1 − margin)`. */
  readonly state: 'raised' | 'cleared';
  /** When, ms since the epoch. */
  readonly at: number;
}

/** A level currently raised. */
export interface ActiveAlert {
  /** The measure. */
  readonly metric: SloMetric;
  /** The level. */
  readonly level: AlertLevel;
  /** The level's threshold. */
  readonly threshold: number;
  /** The latest value evaluated. */
  readonly value: number;
  /** When it was raised, ms since the epoch. */
  readonly since: number;
}

interface LevelState {
  readonly level: AlertLevel;
  readonly threshold: number;
  raisedAt: number | undefined;
  /** Consecutive evaluations that would flip the level (breached while clear, recovered while raised). */
  streak: number;
}

/** Options of {@link SloEvaluator}. */
export interface SloEvaluatorOptions {
  /** Thresholds per measure (`false` for none). */
  readonly slo: Readonly<Record<SloMetric, SloLevels | false>>;
  /** A raised level clears below `threshold × (1 − margin)`. */
  readonly margin: number;
  /** Consecutive evaluations a condition must hold before a level flips. */
  readonly dwell: number;
}

/**
 * Evaluates SLO measures as their values come in and reports the levels that
 * flip. The rule, per measure and level, with `dwell` = D and `margin` = M:
 * - a clear level is raised after D consecutive values `>= threshold`;
 * - a raised level is cleared after D consecutive values `< threshold × (1 − M)`;
 * - values in between leave it as it is (and reset the count).
 * Levels are independent, so a value that jumps past several thresholds
 * raises each of them (mildest first) and clearing goes the other way.
 *
 * @example
 * const slo = new SloEvaluator({ slo: { ...DEFAULT_SLO }, margin: 0.1, dwell: 1 });
 * slo.evaluate('cpu', 0.95, Date.now()); // warning and critical raised
 */
export class SloEvaluator {
  readonly #margin: number;
  readonly #dwell: number;
  readonly #levels = new Map<SloMetric, LevelState[]>();
  readonly #values = new Map<SloMetric, number>();

  constructor(options: SloEvaluatorOptions) {
    this.#margin = options.margin;
    this.#dwell = options.dwell;
    for (const metric of SLO_METRICS) {
      const levels = options.slo[metric];
      if (levels === false) continue;
      const states: LevelState[] = [];
      for (const level of ALERT_LEVELS) {
        const threshold = levels[level];
        if (threshold !== undefined) states.push({ level, threshold, raisedAt: undefined, streak: 0 });
      }
      this.#levels.set(metric, states);
    }
  }

  /** Takes the measure's latest value and returns the levels it flipped, raises mildest first, clears gravest first. `NaN` is ignored. */
  evaluate(metric: SloMetric, value: number, at: number): AlertEvent[] {
    const levels = this.#levels.get(metric);
    if (levels === undefined || Number.isNaN(value)) return [];
    this.#values.set(metric, value);
    const raised: AlertEvent[] = [];
    const cleared: AlertEvent[] = [];
    for (const state of levels) {
      const flipping = state.raisedAt === undefined ? value >= state.threshold : value < state.threshold * (1 - this.#margin);
      state.streak = flipping ? state.streak + 1 : 0;
      if (state.streak < this.#dwell) continue;
      state.streak = 0;
      const event = { metric, level: state.level, value, threshold: state.threshold, at };
      if (state.raisedAt === undefined) {
        state.raisedAt = at;
        raised.push({ ...event, state: 'raised' });
      } else {
        state.raisedAt = undefined;
        cleared.unshift({ ...event, state: 'cleared' });
      }
    }
    return [...raised, ...cleared];
  }

  /** The gravest level raised for the measure: 0 for none, 1 warning, 2 critical, 3 emergency. */
  level(metric: SloMetric): number {
    const levels = this.#levels.get(metric) ?? [];
    const raised = levels.filter((state) => state.raisedAt !== undefined).map((state) => ALERT_LEVELS.indexOf(state.level) + 1);
    return Math.max(0, ...raised);
  }

  /** The measures that have thresholds. */
  get metrics(): SloMetric[] {
    return [...this.#levels.keys()];
  }

  /** Every level raised now. */
  active(): ActiveAlert[] {
    const active: ActiveAlert[] = [];
    for (const [metric, levels] of this.#levels) {
      for (const { level, threshold, raisedAt } of levels) {
        if (raisedAt === undefined) continue;
        active.push({ metric, level, threshold, value: this.#values.get(metric) ?? Number.NaN, since: raisedAt });
      }
    }
    return active;
  }
}
