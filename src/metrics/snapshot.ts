/**
 * The shape of `MetricsCollector.snapshot()`: plain JSON (numbers, strings,
 * `null` where there is no value yet), safe for `JSON.stringify`.
 *
 * @module
 */
import type { AgentState } from '../agents/state.js';
import type { ConnectionPoolStats } from '../pool/options.js';
import type { ActiveAlert } from './alerts.js';
import type { ResourceSnapshot } from './resources.js';

/** A count, and percentiles over the window of recent samples. */
export interface LatencySummary {
  /** Samples recorded since the collector started. */
  readonly count: number;
  /** Median over the window, in ms; `null` before any sample. */
  readonly p50Ms: number | null;
  /** 95th percentile over the window, in ms; `null` before any sample. */
  readonly p95Ms: number | null;
  /** 99th percentile over the window, in ms; `null` before any sample. */
  readonly p99Ms: number | null;
}

/** One tmux command name's figures. */
export interface TmuxCommandStats extends LatencySummary {
  /** Of `count`, the failed ones. */
  readonly errors: number;
}

/** One cache layer's events. */
export interface CacheLayerMetrics {
  /** Lookups served from the cache. */
  readonly hits: number;
  /** Lookups that loaded. */
  readonly misses: number;
  /** Lookups that joined a load under way. */
  readonly dedupes: number;
  /** Entries evicted (size or TTL). */
  readonly evictions: number;
  /** Entries invalidated. */
  readonly invalidations: number;
  /** `hits / (hits + misses + dedupes)`; `null` before any lookup. */
  readonly hitRate: number | null;
}

/** One connection pool (see `ConnectionPoolStats`; percentiles `null` before any sample). */
export interface PoolSnapshot extends Omit<ConnectionPoolStats, 'acquireP50Ms' | 'acquireP99Ms'> {
  /** Median wait for a connection, in ms. */
  readonly acquireP50Ms: number | null;
  /** 99th percentile wait for a connection, in ms. */
  readonly acquireP99Ms: number | null;
}

/** The latest monitor cycle. */
export interface CycleSummary {
  /** Its number. */
  readonly cycle: number;
  /** Its duration, in ms. */
  readonly durationMs: number;
  /** `poll` or `events`. */
  readonly mode: string;
  /** Agents looked at. */
  readonly agents: number;
  /** When it was reported, ms since the epoch. */
  readonly at: number;
}

/** Everything the collector knows, at one moment. */
export interface MetricsSnapshot {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  /** tmux commands, from the `tmux:command` channel. */
  readonly tmux: {
    /** All commands, with percentiles over the window. */
    readonly commands: TmuxCommandStats;
    /** Failed share of the last `window` commands; `null` before any. */
    readonly errorRate: number | null;
    /** Per command name (at most 64 names; later ones count under `other`). */
    readonly byCommand: Readonly<Record<string, TmuxCommandStats>>;
    /** Failures per error code. */
    readonly errorsByCode: Readonly<Record<string, number>>;
  };
  /** Connection pools by server key, read from the `pools` source (`{}` without one). */
  readonly pools: Readonly<Record<string, PoolSnapshot>>;
  /** Cache events per layer. */
  readonly cache: Readonly<Record<string, CacheLayerMetrics>>;
  /** Monitor cycles. */
  readonly health: {
    /** Cycle durations. */
    readonly cycles: LatencySummary;
    /** Screens captured fresh, over all cycles. */
    readonly captures: number;
    /** Agent observations that failed, over all cycles. */
    readonly errors: number;
    /** The latest cycle; `null` before any. */
    readonly last: CycleSummary | null;
  };
  /** Agents per confirmed state: the latest cycle's counts, updated by each state change since. */
  readonly agents: Readonly<Record<AgentState, number>>;
  /** Message deliveries. */
  readonly delivery: {
    /** Deliveries that finished, ok or not, with their durations. */
    readonly deliveries: LatencySummary;
    /** Of those, the failed ones. */
    readonly failed: number;
    /** Failed share of the last `window` deliveries; `null` before any. */
    readonly failureRate: number | null;
    /** Enter presses, over all deliveries. */
    readonly attempts: number;
    /** Failures per error code. */
    readonly errorsByCode: Readonly<Record<string, number>>;
  };
  /** Scheduled jobs. */
  readonly scheduler: {
    /** Jobs fired. */
    readonly fired: number;
    /** Jobs missed. */
    readonly missed: number;
    /** Jobs that fired and failed. */
    readonly failed: number;
    /** How late jobs started (due time to start), fired and failed ones. */
    readonly lag: LatencySummary;
  };
  /** Recovery actions per `strategy:outcome`. */
  readonly recovery: Readonly<Record<string, number>>;
  /** The latest resource sample; `null` before the first. */
  readonly resources: ResourceSnapshot | null;
  /** SLO levels raised now. */
  readonly alerts: readonly ActiveAlert[];
}
