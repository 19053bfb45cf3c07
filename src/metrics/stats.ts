/**
 * What the diagnostics channels told the collector, kept as counts and
 * windows of recent samples: the source of `snapshot()` and of the SLO values.
 *
 * @module
 */
import { AGENT_STATES, type AgentState } from '../agents/state.js';
import type {
  AgentStateMessage,
  CacheMessage,
  DeliveryMessage,
  HealthCycleMessage,
  SchedulerMessage,
  TmuxCommandMessage,
} from '../diagnostics.js';
import { LatencyWindow } from '../util/latency.js';
import { OutcomeWindow } from './outcome-window.js';
import type { CacheLayerMetrics, CycleSummary, LatencySummary, MetricsSnapshot, TmuxCommandStats } from './snapshot.js';

/** `value` when it is a finite number, else `null` (JSON has no `NaN`). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The count and window percentiles of a latency window. */
export function summarize(window: LatencyWindow): LatencySummary {
  return {
    count: window.count,
    p50Ms: finiteOrNull(window.percentile(50)),
    p95Ms: finiteOrNull(window.percentile(95)),
    p99Ms: finiteOrNull(window.percentile(99)),
  };
}

type Counts<K extends string> = Record<K, number>;

interface CommandFigures {
  readonly latency: LatencyWindow;
  errors: number;
}

/** The parts of {@link MetricsSnapshot} that come from the channels. */
export type ChannelSnapshot = Pick<MetricsSnapshot, 'tmux' | 'cache' | 'health' | 'agents' | 'delivery' | 'scheduler' | 'recovery'>;

/**
 * Counts and windows fed by the channel messages. Label-like strings
 * (command names, layers, codes) arrive already bounded by the caller.
 */
export class ChannelStats {
  readonly #window: number;
  readonly #commands: CommandFigures;
  readonly #byCommand = new Map<string, CommandFigures>();
  readonly #commandOutcomes: OutcomeWindow;
  readonly #commandErrors = new Map<string, number>();
  readonly #cache = new Map<string, Counts<CacheMessage['event']>>();
  readonly #cycles: LatencyWindow;
  #captures = 0;
  #observationErrors = 0;
  #lastCycle: CycleSummary | null = null;
  readonly #states = Object.fromEntries(AGENT_STATES.map((state) => [state, 0])) as Counts<AgentState>;
  readonly #deliveries: LatencyWindow;
  readonly #deliveryOutcomes: OutcomeWindow;
  readonly #deliveryErrors = new Map<string, number>();
  #deliveryFailures = 0;
  #attempts = 0;
  readonly #scheduler: Counts<SchedulerMessage['event']> = { fired: 0, missed: 0, failed: 0 };
  readonly #lag: LatencyWindow;
  readonly #recovery = new Map<string, number>();

  /** @param window - how many recent samples percentiles and rates cover. */
  constructor(window: number) {
    this.#window = window;
    this.#commands = { latency: new LatencyWindow(window), errors: 0 };
    this.#commandOutcomes = new OutcomeWindow(window);
    this.#cycles = new LatencyWindow(window);
    this.#deliveries = new LatencyWindow(window);
    this.#deliveryOutcomes = new OutcomeWindow(window);
    this.#lag = new LatencyWindow(window);
  }

  /** A tmux command finished; `command` and `code` are the bounded labels. */
  tmuxCommand(message: TmuxCommandMessage, command: string, code: string): void {
    let figures = this.#byCommand.get(command);
    if (figures === undefined) {
      figures = { latency: new LatencyWindow(this.#window), errors: 0 };
      this.#byCommand.set(command, figures);
    }
    for (const target of [this.#commands, figures]) {
      target.latency.record(message.durationMs);
      if (!message.ok) target.errors++;
    }
    this.#commandOutcomes.record(message.ok);
    if (!message.ok) increment(this.#commandErrors, code);
  }

  /** A cache event in `layer` (the bounded label). */
  cache(message: CacheMessage, layer: string): void {
    let counts = this.#cache.get(layer);
    if (counts === undefined) {
      counts = { hit: 0, miss: 0, dedupe: 0, eviction: 0, invalidation: 0 };
      this.#cache.set(layer, counts);
    }
    counts[message.event] += message.count;
  }

  /** A monitor cycle finished: its duration joins the window and its state counts replace the current ones. */
  healthCycle(message: HealthCycleMessage, at: number): void {
    this.#cycles.record(message.durationMs);
    this.#captures += message.captures;
    this.#observationErrors += message.errors;
    this.#lastCycle = { cycle: message.cycle, durationMs: message.durationMs, mode: message.mode, agents: message.agents, at };
    for (const state of AGENT_STATES) this.#states[state] = message.states[state] ?? 0;
  }

  /** An agent's confirmed state changed: one agent moves from `from` to `to`. */
  agentState(message: AgentStateMessage): void {
    if (this.#states[message.from] > 0) this.#states[message.from]--;
    this.#states[message.to]++;
  }

  /** A delivery finished; `code` is the bounded error code label. */
  delivery(message: DeliveryMessage, code: string): void {
    this.#deliveries.record(message.durationMs);
    this.#deliveryOutcomes.record(message.ok);
    this.#attempts += message.attempts;
    if (message.ok) return;
    this.#deliveryFailures++;
    increment(this.#deliveryErrors, code);
  }

  /** A scheduled job fired, was missed or failed. */
  scheduler(message: SchedulerMessage): void {
    this.#scheduler[message.event]++;
    if (message.event !== 'missed') this.#lag.record(message.lagMs);
  }

  /** A recovery action ran; `key` is the bounded `strategy:outcome` label. */
  recovery(key: string): void {
    increment(this.#recovery, key);
  }

  /** 95th percentile of cycle durations over the window, in ms; `NaN` while the window holds fewer than `minSamples`. */
  cycleP95Ms(minSamples: number): number {
    return this.#cycles.values().length < minSamples ? Number.NaN : this.#cycles.percentile(95);
  }

  /** Failed share of the recent tmux commands; `NaN` while the window holds fewer than `minSamples`. */
  errorRate(minSamples: number): number {
    return this.#commandOutcomes.size < minSamples ? Number.NaN : this.#commandOutcomes.failureRate;
  }

  /** Failed share of the recent deliveries; `NaN` while the window holds fewer than `minSamples`. */
  deliveryFailureRate(minSamples: number): number {
    return this.#deliveryOutcomes.size < minSamples ? Number.NaN : this.#deliveryOutcomes.failureRate;
  }

  /** Agents per state, as in the snapshot. */
  agentsByState(): Readonly<Counts<AgentState>> {
    return { ...this.#states };
  }

  /** Cache hit rate per layer, as in the snapshot. */
  cacheHitRates(): Map<string, number | null> {
    return new Map([...this.#cache].map(([layer, counts]) => [layer, cacheLayer(counts).hitRate]));
  }

  /** The channel parts of the snapshot. */
  snapshot(): ChannelSnapshot {
    return {
      tmux: {
        commands: commandStats(this.#commands),
        errorRate: finiteOrNull(this.#commandOutcomes.failureRate),
        byCommand: Object.fromEntries([...this.#byCommand].map(([command, figures]) => [command, commandStats(figures)])),
        errorsByCode: Object.fromEntries(this.#commandErrors),
      },
      cache: Object.fromEntries([...this.#cache].map(([layer, counts]) => [layer, cacheLayer(counts)])),
      health: { cycles: summarize(this.#cycles), captures: this.#captures, errors: this.#observationErrors, last: this.#lastCycle },
      agents: this.agentsByState(),
      delivery: {
        deliveries: summarize(this.#deliveries),
        failed: this.#deliveryFailures,
        failureRate: finiteOrNull(this.#deliveryOutcomes.failureRate),
        attempts: this.#attempts,
        errorsByCode: Object.fromEntries(this.#deliveryErrors),
      },
      scheduler: { ...this.#scheduler, lag: summarize(this.#lag) },
      recovery: Object.fromEntries(this.#recovery),
    };
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function commandStats(figures: CommandFigures): TmuxCommandStats {
  return { ...summarize(figures.latency), errors: figures.errors };
}

function cacheLayer(counts: Counts<CacheMessage['event']>): CacheLayerMetrics {
  const lookups = counts.hit + counts.miss + counts.dedupe;
  return {
    hits: counts.hit,
    misses: counts.miss,
    dedupes: counts.dedupe,
    evictions: counts.eviction,
    invalidations: counts.invalidation,
    hitRate: lookups === 0 ? null : counts.hit / lookups,
  };
}
