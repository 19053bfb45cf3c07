/**
 * Options of `MetricsCollector`: SLO thresholds, hysteresis, windows, and the
 * sources the collector reads (pools, agents, tmux clients).
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { PoolGroupStats } from '../pool/group.js';
import type { TmuxClient } from '../tmux/client.js';
import type { TmuxServerOptions } from '../tmux/server.js';
import { describeValue, integerAtLeast, positiveNumber } from '../util/options.js';

/**
 * The measures an SLO can be set on:
 * - `cycleP95Ms`: 95th percentile of monitor cycle durations over the window, in ms;
 * - `errorRate`: share of failed tmux commands among the last `window` commands (0 to 1);
 * - `deliveryFailureRate`: share of failed deliveries among the last `window` deliveries (0 to 1);
 * - `cpu`: host CPU busy share over the last sample interval (0 to 1);
 * - `memory`: host memory in use, as a share of all memory (0 to 1).
 */
export type SloMetric = 'cycleP95Ms' | 'errorRate' | 'deliveryFailureRate' | 'cpu' | 'memory';

/**
 * Every {@link SloMetric}, in a stable order.
 *
 * @example
 * for (const metric of SLO_METRICS) console.log(metric, DEFAULT_SLO[metric].warning);
 */
export const SLO_METRICS: readonly SloMetric[] = ['cycleP95Ms', 'errorRate', 'deliveryFailureRate', 'cpu', 'memory'];

/** How bad a breach is; each level is raised and cleared on its own. */
export type AlertLevel = 'warning' | 'critical' | 'emergency';

/**
 * Every {@link AlertLevel}, from the mildest.
 *
 * @example
 * const { alerts } = metrics.snapshot();
 * const worst = ALERT_LEVELS.findLast((level) => alerts.some((alert) => alert.level === level)); // e.g. 'critical'
 */
export const ALERT_LEVELS: readonly AlertLevel[] = ['warning', 'critical', 'emergency'];

/** Thresholds of one measure: a level is breached when the value is at or above it. Leave a level out to turn it off. */
export type SloLevels = Readonly<Partial<Record<AlertLevel, number>>>;

/** Thresholds per measure; `false` turns a measure's alerts off. A measure given replaces its defaults as a whole. */
export type SloThresholds = Readonly<Partial<Record<SloMetric, SloLevels | false>>>;

/**
 * The default thresholds.
 *
 * @example
 * await using orc = await Orchestrator.start({
 *   metrics: { slo: { cycleP95Ms: { ...DEFAULT_SLO.cycleP95Ms, warning: 250 }, cpu: false } },
 * });
 */
export const DEFAULT_SLO: Readonly<Record<SloMetric, Required<SloLevels>>> = Object.freeze({
  cycleP95Ms: { warning: 500, critical: 1_000, emergency: 5_000 },
  errorRate: { warning: 0.05, critical: 0.2, emergency: 0.5 },
  deliveryFailureRate: { warning: 0.1, critical: 0.25, emergency: 0.5 },
  cpu: { warning: 0.8, critical: 0.9, emergency: 0.98 },
  memory: { warning: 0.85, critical: 0.93, emergency: 0.98 },
});

/** How alerts avoid flapping. */
export interface HysteresisOptions {
  /**
   * A raised level clears only once the value is below `threshold × (1 − margin)`.
   * From 0 (inclusive) to 1 (exclusive).
   * @default 0.1
   */
  readonly margin?: number;
  /**
   * Consecutive evaluations a condition must hold before a level is raised or cleared.
   * @default 2
   */
  readonly dwell?: number;
  /**
   * Samples the window must hold before `cycleP95Ms`, `errorRate` and
   * `deliveryFailureRate` are evaluated at all; at most `window`.
   * @default 10 (or `window`, when smaller)
   */
  readonly minSamples?: number;
}

/** An agent whose process tree is measured. `Agent` fits as is. */
export interface MeasuredAgent {
  /** Its name. */
  readonly name: string;
  /** Its kind. */
  readonly kind: string;
  /** Its pane, `%N`. */
  readonly paneId: string;
  /** The tmux server it runs on. */
  readonly server: TmuxServerOptions;
}

/** Options of `MetricsCollector`. */
export interface MetricsCollectorOptions {
  /** SLO thresholds per measure; see {@link DEFAULT_SLO}. */
  readonly slo?: SloThresholds;
  /** How alerts avoid flapping. */
  readonly hysteresis?: HysteresisOptions;
  /**
   * How many recent samples percentiles and failure rates are computed over
   * (per tmux command name, for cycles, deliveries and scheduler lag).
   * @default 100
   */
  readonly window?: number;
  /**
   * How often host, tmux server and agent resources are sampled, in ms
   * (the timer does not keep the process alive); `false` samples only when
   * `sample()` is called.
   * @default 5000
   */
  readonly sampleIntervalMs?: number | false;
  /**
   * Prefix of every Prometheus metric name (letters, digits, `_` and `:`).
   * @default 'tmux_orchestrator_'
   */
  readonly prefix?: string;
  /**
   * At most this many agents get series of their own (`agent` label) in the
   * Prometheus output; the fleet totals still count every agent.
   * @default 100
   */
  readonly maxAgentSeries?: number;
  /** Connection pool stats, read at each scrape and snapshot (`PoolGroup.stats`). */
  readonly pools?: () => PoolGroupStats;
  /** The agents whose process trees are measured, read at each resource sample. */
  readonly agents?: () => readonly MeasuredAgent[];
  /** tmux servers to measure besides the agents' ones. */
  readonly servers?: () => readonly TmuxServerOptions[];
  /**
   * A client for a tmux server, used to ask for its pid and its panes' pids.
   * Without it only host resources are sampled.
   */
  readonly clients?: (server: TmuxServerOptions) => TmuxClient;
}

/** The options with their defaults applied. @internal */
export interface CollectorSettings {
  readonly slo: Readonly<Record<SloMetric, SloLevels | false>>;
  readonly margin: number;
  readonly dwell: number;
  readonly minSamples: number;
  readonly window: number;
  readonly sampleIntervalMs: number | false;
  readonly prefix: string;
  readonly maxAgentSeries: number;
}

const PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/u;

/** Validates the options and applies the defaults. @internal */
export function resolveCollectorSettings(options: MetricsCollectorOptions): CollectorSettings {
  for (const key of ['pools', 'agents', 'servers', 'clients'] as const) {
    const value: unknown = options[key];
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidOptionError(`Expected \`${key}\` to be a function, got ${describeValue(value)}`);
    }
  }
  const prefix = options.prefix ?? 'tmux_orchestrator_';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new InvalidOptionError(`Expected \`prefix\` to be a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${describeValue(prefix)}`);
  }
  const margin = options.hysteresis?.margin ?? 0.1;
  if (typeof margin !== 'number' || !(margin >= 0 && margin < 1)) {
    throw new InvalidOptionError(`Expected \`hysteresis.margin\` to be a number from 0 to below 1, got ${describeValue(margin)}`);
  }
  const interval = options.sampleIntervalMs;
  const window = integerAtLeast('window', options.window, 100, 1);
  const minSamples = integerAtLeast('hysteresis.minSamples', options.hysteresis?.minSamples, Math.min(10, window), 1);
  if (minSamples > window) {
    // A window never holds more than `window` samples: those measures would never be judged.
    throw new InvalidOptionError(`Expected \`hysteresis.minSamples\` to be at most \`window\` (${window}), got ${describeValue(minSamples)}`);
  }
  return {
    slo: resolveSlo(options.slo ?? {}),
    margin,
    dwell: integerAtLeast('hysteresis.dwell', options.hysteresis?.dwell, 2, 1),
    minSamples,
    window,
    sampleIntervalMs: interval === false ? false : positiveNumber('sampleIntervalMs', interval, 5_000),
    prefix,
    maxAgentSeries: integerAtLeast('maxAgentSeries', options.maxAgentSeries, 100, 0),
  };
}

function resolveSlo(slo: SloThresholds): Record<SloMetric, SloLevels | false> {
  if (typeof slo !== 'object' || slo === null) throw new InvalidOptionError(`Expected \`slo\` to be an object, got ${describeValue(slo)}`);
  for (const key of Object.keys(slo)) {
    if (!(SLO_METRICS as readonly string[]).includes(key)) {
      throw new InvalidOptionError(`Expected \`slo\` keys among ${SLO_METRICS.join(', ')}, got \`${key}\``);
    }
  }
  const resolved = { ...DEFAULT_SLO } as Record<SloMetric, SloLevels | false>;
  for (const metric of SLO_METRICS) {
    const levels = slo[metric];
    if (levels === undefined) continue;
    resolved[metric] = levels === false ? false : resolveLevels(metric, levels);
  }
  return resolved;
}

function resolveLevels(metric: SloMetric, levels: SloLevels): SloLevels {
  if (typeof levels !== 'object' || levels === null) {
    throw new InvalidOptionError(`Expected \`slo.${metric}\` to be an object of levels or false, got ${describeValue(levels)}`);
  }
  const unknown = Object.keys(levels).find((key) => !(ALERT_LEVELS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new InvalidOptionError(`Expected \`slo.${metric}\` keys among ${ALERT_LEVELS.join(', ')}, got \`${unknown}\``);
  }
  let previous = 0;
  for (const level of ALERT_LEVELS) {
    const threshold = levels[level];
    if (threshold === undefined) continue;
    const name = `slo.${metric}.${level}`;
    positiveNumber(name, threshold, 0);
    if (threshold <= previous) {
      throw new InvalidOptionError(`Expected \`${name}\` to be above the milder levels' thresholds, got ${describeValue(threshold)}`);
    }
    previous = threshold;
  }
  return { ...levels };
}
