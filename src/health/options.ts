/**
 * Options of `HealthChecker`, and their validation.
 *
 * @module
 */
import { LayeredCache } from '../cache/layered-cache.js';
import { InvalidOptionError } from '../errors.js';
import { UnknownStrategyError, type StrategyRegistry } from '../strategies/registry.js';
import { describeValue, integerAtLeast, positiveNumber } from '../util/options.js';
import type { MonitorFactory } from './monitor.js';
import type { MonitoredAgent } from './monitored-agent.js';
import { BUILTIN_MONITORS } from './monitors/index.js';
import type { MonitorMode } from './strategy-kinds.js';

/** Options of `HealthChecker`. */
export interface HealthCheckerOptions {
  /** The agents to watch, read at the start of every cycle (the orchestrator passes its fleet's). */
  readonly agents: () => readonly MonitoredAgent[];
  /** Where monitor strategies are looked up (a strategy registered under `mode` wins over the built-in one). */
  readonly registry: StrategyRegistry;
  /**
   * The cache screens are kept in (layer `pane_content`, keyed by pane id,
   * tagged `paneTag(paneId)`).
   * @default a cache of its own
   */
  readonly cache?: LayeredCache;
  /**
   * How the checker learns which panes changed: `events` captures only the
   * panes that wrote output since their last capture (a hidden control client
   * per server reports it), `poll` captures every pane every cycle; or the
   * name of a registered monitor strategy.
   * @default 'events'
   */
  readonly mode?: MonitorMode | (string & Record<never, never>);
  /**
   * Milliseconds from the start of one cycle to the start of the next in
   * continuous mode (`start()`); a cycle that takes longer delays the next.
   * @default 1000
   */
  readonly intervalMs?: number;
  /**
   * Captures in flight at once per server (they are pipelined over the
   * server's connections). Measured with 100 and 250 panes a server, 256
   * beat 16 and 64 clearly and 1024 not at all.
   * @default 256
   */
  readonly captureConcurrency?: number;
  /**
   * Milliseconds a server's part of a cycle may take; its agents not observed
   * by then are reported `failed` with an `ObservationTimeoutError`.
   * @default 5000
   */
  readonly observeTimeoutMs?: number;
  /**
   * Milliseconds a `working` agent may go without output before it is
   * reported `stalled`.
   * @default 120000
   */
  readonly stallAfterMs?: number;
}

/** The options, checked and complete. @internal */
export interface ResolvedHealthCheckerOptions {
  readonly agents: () => readonly MonitoredAgent[];
  readonly cache: LayeredCache;
  readonly mode: string;
  readonly monitor: MonitorFactory;
  readonly intervalMs: number;
  readonly captureConcurrency: number;
  readonly observeTimeoutMs: number;
  readonly stallAfterMs: number;
}

/**
 * Validates the options and looks up the monitor strategy.
 *
 * @throws `InvalidOptionError`; `UnknownStrategyError` for an unknown `mode`.
 * @internal
 */
export function resolveHealthCheckerOptions(options: HealthCheckerOptions): ResolvedHealthCheckerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`Expected options with \`agents\` and \`registry\`, got ${describeValue(options)}`);
  }
  if (typeof options.agents !== 'function') {
    throw new InvalidOptionError(`Expected \`agents\` to be a function returning the monitored agents, got ${describeValue(options.agents)}`);
  }
  const registry: unknown = options.registry;
  if (typeof (registry as Partial<StrategyRegistry> | null)?.get !== 'function') {
    throw new InvalidOptionError(`Expected \`registry\` to be a StrategyRegistry, got ${describeValue(registry)}`);
  }
  if (options.cache !== undefined && !(options.cache instanceof LayeredCache)) {
    throw new InvalidOptionError(`Expected \`cache\` to be a LayeredCache, got ${describeValue(options.cache)}`);
  }
  const mode: unknown = options.mode ?? 'events';
  if (typeof mode !== 'string' || mode === '') {
    throw new InvalidOptionError(`Expected \`mode\` to be a monitor strategy name, got ${describeValue(mode)}`);
  }
  return {
    agents: options.agents,
    cache: options.cache ?? new LayeredCache(),
    mode,
    monitor: monitorFactory(options.registry, mode),
    intervalMs: positiveNumber('intervalMs', options.intervalMs, 1_000),
    captureConcurrency: integerAtLeast('captureConcurrency', options.captureConcurrency, 256, 1),
    observeTimeoutMs: positiveNumber('observeTimeoutMs', options.observeTimeoutMs, 5_000),
    stallAfterMs: positiveNumber('stallAfterMs', options.stallAfterMs, 120_000),
  };
}

/** The registered strategy for `mode`, else the built-in one. */
function monitorFactory(registry: StrategyRegistry, mode: string): MonitorFactory {
  if (registry.has('monitor', mode)) return registry.get('monitor', mode);
  const builtin = Object.hasOwn(BUILTIN_MONITORS, mode) ? BUILTIN_MONITORS[mode as MonitorMode] : undefined;
  if (builtin !== undefined) return builtin;
  const known = [...new Set([...Object.keys(BUILTIN_MONITORS), ...registry.names('monitor')])].sort();
  throw new UnknownStrategyError('monitor', mode, known);
}
