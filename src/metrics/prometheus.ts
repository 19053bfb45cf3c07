/**
 * The Prometheus side of the collector: a registry of its own (never
 * prom-client's global one) with counters and histograms fed by the channel
 * messages, and gauges read at scrape time (see `prometheus-gauges.ts`).
 *
 * Names follow the Prometheus conventions: snake case under one prefix,
 * counters end in `_total`, durations are histograms in seconds, shares are
 * `_ratio` from 0 to 1, sizes are `_bytes`.
 *
 * @module
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type {
  AgentStateMessage,
  CacheMessage,
  DeliveryMessage,
  HealthCycleMessage,
  SchedulerMessage,
  TmuxCommandMessage,
} from '../diagnostics.js';
import type { AlertEvent } from './alerts.js';
import { registerGauges, type GaugeSources } from './prometheus-gauges.js';

const COMMAND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CYCLE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];
const ATTEMPT_BUCKETS = [0, 1, 2, 3, 5, 8];

/**
 * The collector's Prometheus metrics. Label values arrive bounded by the
 * caller (`BoundedLabels`).
 *
 * @internal
 */
export class PrometheusMetrics {
  /** The registry holding every metric of this collector. */
  readonly registry = new Registry();
  readonly #tmuxCommands: Counter<'command'>;
  readonly #tmuxErrors: Counter<'command' | 'code'>;
  readonly #tmuxDuration: Histogram<'command'>;
  readonly #cacheEvents: Counter<'layer' | 'event'>;
  readonly #cycles: Counter;
  readonly #cycleDuration: Histogram;
  readonly #captures: Counter;
  readonly #observationErrors: Counter;
  readonly #stateChanges: Counter<'from' | 'to'>;
  readonly #deliveries: Counter<'outcome'>;
  readonly #deliveryErrors: Counter<'code'>;
  readonly #deliveryDuration: Histogram;
  readonly #deliveryAttempts: Histogram;
  readonly #schedulerJobs: Counter<'event'>;
  readonly #schedulerLag: Histogram;
  readonly #recoveries: Counter<'strategy' | 'outcome'>;
  readonly #alerts: Counter<'metric' | 'level'>;

  constructor(prefix: string, sources: GaugeSources) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
      new Counter({ name: prefix + name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> =>
      new Histogram({ name: prefix + name, help, labelNames, buckets, registers });

    this.#tmuxCommands = counter('tmux_commands_total', 'tmux commands answered or failed, by command name.', ['command']);
    this.#tmuxErrors = counter('tmux_command_errors_total', 'tmux commands that failed, by command name and error code.', ['command', 'code']);
    this.#tmuxDuration = histogram('tmux_command_duration_seconds', 'Time from sending a tmux command to its answer.', COMMAND_BUCKETS, ['command']);
    this.#cacheEvents = counter('cache_events_total', 'Cache events (hit, miss, dedupe, eviction, invalidation) per layer, in entries.', ['layer', 'event']);
    this.#cycles = counter('health_cycles_total', 'Monitor cycles finished.');
    this.#cycleDuration = histogram('health_cycle_duration_seconds', 'Duration of monitor cycles.', CYCLE_BUCKETS);
    this.#captures = counter('health_captures_total', 'Screens captured fresh by monitor cycles.');
    this.#observationErrors = counter('health_observation_errors_total', 'Agent observations that failed in monitor cycles.');
    this.#stateChanges = counter('agent_state_changes_total', 'Confirmed agent state changes.', ['from', 'to']);
    this.#deliveries = counter('deliveries_total', 'Message deliveries finished, by outcome (delivered or failed).', ['outcome']);
    this.#deliveryErrors = counter('delivery_errors_total', 'Failed message deliveries, by error code.', ['code']);
    this.#deliveryDuration = histogram('delivery_duration_seconds', 'Time from a send to its verified submit or failure, queueing included.', DELIVERY_BUCKETS);
    this.#deliveryAttempts = histogram('delivery_attempts', 'Enter presses each delivery took.', ATTEMPT_BUCKETS);
    this.#schedulerJobs = counter('scheduler_jobs_total', 'Scheduled jobs, by event (fired, missed, failed).', ['event']);
    this.#schedulerLag = histogram('scheduler_lag_seconds', 'How late scheduled jobs started, from due time to start.', LAG_BUCKETS);
    this.#recoveries = counter('recoveries_total', 'Recovery actions, by strategy and outcome.', ['strategy', 'outcome']);
    this.#alerts = counter('slo_alerts_total', 'SLO alert levels raised, by measure and level.', ['metric', 'level']);
    registerGauges(this.registry, prefix, sources);
  }

  /** The content type of {@link PrometheusMetrics.text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts a tmux command. */
  tmuxCommand(message: TmuxCommandMessage, command: string, code: string): void {
    this.#tmuxCommands.inc({ command });
    this.#tmuxDuration.observe({ command }, message.durationMs / 1000);
    if (!message.ok) this.#tmuxErrors.inc({ command, code });
  }

  /** Counts a cache event. */
  cache(message: CacheMessage, layer: string): void {
    this.#cacheEvents.inc({ layer, event: message.event }, message.count);
  }

  /** Counts a monitor cycle. */
  healthCycle(message: HealthCycleMessage): void {
    this.#cycles.inc();
    this.#cycleDuration.observe(message.durationMs / 1000);
    this.#captures.inc(message.captures);
    this.#observationErrors.inc(message.errors);
  }

  /** Counts a state change. */
  agentState(message: AgentStateMessage): void {
    this.#stateChanges.inc({ from: message.from, to: message.to });
  }

  /** Counts a delivery. */
  delivery(message: DeliveryMessage, code: string): void {
    this.#deliveries.inc({ outcome: message.ok ? 'delivered' : 'failed' });
    this.#deliveryDuration.observe(message.durationMs / 1000);
    this.#deliveryAttempts.observe(message.attempts);
    if (!message.ok) this.#deliveryErrors.inc({ code });
  }

  /** Counts a scheduler event. */
  scheduler(message: SchedulerMessage): void {
    this.#schedulerJobs.inc({ event: message.event });
    if (message.event !== 'missed') this.#schedulerLag.observe(message.lagMs / 1000);
  }

  /** Counts a recovery action. */
  recovery(strategy: string, outcome: string): void {
    this.#recoveries.inc({ strategy, outcome });
  }

  /** Counts a raised alert level. */
  alert(event: AlertEvent): void {
    if (event.state === 'raised') this.#alerts.inc({ metric: event.metric, level: event.level });
  }
}
