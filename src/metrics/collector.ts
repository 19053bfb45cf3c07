/**
 * `MetricsCollector`: subscribes to the library's diagnostics channels,
 * samples host, tmux server and agent resources, evaluates SLOs with
 * hysteresis, and exports everything as JSON or Prometheus text.
 *
 * @module
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { EventEmitter } from 'eventemitter3';
import {
  DIAGNOSTICS_CHANNELS,
  type AgentStateMessage,
  type CacheMessage,
  type DeliveryMessage,
  type DiagnosticsChannelName,
  type HealthCycleMessage,
  type RecoveryMessage,
  type SchedulerMessage,
  type TmuxCommandMessage,
} from '../diagnostics.js';
import { SloEvaluator, type AlertEvent } from './alerts.js';
import { MetricsServerError } from './errors.js';
import { BoundedLabels } from './labels.js';
import { resolveCollectorSettings, type CollectorSettings, type MetricsCollectorOptions, type SloMetric } from './options.js';
import { PrometheusMetrics } from './prometheus.js';
import { ResourceSampler, type ResourceSnapshot } from './resources.js';
import { serveMetrics, type MetricsServer, type ServeOptions } from './server.js';
import type { MetricsSnapshot, PoolSnapshot } from './snapshot.js';
import { ChannelStats, finiteOrNull } from './stats.js';

/** Events of a {@link MetricsCollector}. */
export interface MetricsCollectorEvents {
  /** An SLO level was raised or cleared (each level once per breach; see `SloEvaluator` for the rule). */
  alert: (event: AlertEvent) => void;
  /** A resource sample was taken. */
  sample: (resources: ResourceSnapshot) => void;
  /**
   * A resource sample could not reach a tmux server or read the process table
   * (the sample goes on without it), or a timed sample failed as a whole (a source threw).
   */
  error: (error: Error) => void;
  /** The collector closed. */
  close: () => void;
}

/** Distinct label values kept for names that come from outside (command names, layers, codes). */
const MAX_LABEL_VALUES = 64;

type Handler = (message: unknown) => void;

/**
 * Collects the library's metrics. It subscribes to the diagnostics channels
 * (process-wide: it sees every orchestrator, pool and client in the process)
 * and starts its resource timer when made; `close()` undoes both.
 *
 * @example
 * await using metrics = new MetricsCollector({ agents: () => orc.agents, clients: () => client });
 * metrics.on('alert', (a) => console.warn(`${a.metric} ${a.level} ${a.state}: ${a.value}`));
 * const server = await metrics.serve({ port: 9464 }); // http://127.0.0.1:9464/metrics
 * console.log(metrics.snapshot().tmux.commands.p95Ms);
 */
export class MetricsCollector extends EventEmitter<MetricsCollectorEvents> {
  readonly #settings: CollectorSettings;
  readonly #options: MetricsCollectorOptions;
  readonly #stats: ChannelStats;
  readonly #prometheus: PrometheusMetrics;
  readonly #slo: SloEvaluator;
  readonly #sampler: ResourceSampler;
  readonly #labels = {
    command: new BoundedLabels(MAX_LABEL_VALUES),
    code: new BoundedLabels(MAX_LABEL_VALUES),
    layer: new BoundedLabels(MAX_LABEL_VALUES),
    strategy: new BoundedLabels(MAX_LABEL_VALUES),
    outcome: new BoundedLabels(MAX_LABEL_VALUES),
  };
  readonly #handlers: [DiagnosticsChannelName, Handler][];
  readonly #servers = new Set<MetricsServer>();
  readonly #timer: NodeJS.Timeout | undefined;
  #resources: ResourceSnapshot | null = null;
  #sampling: Promise<ResourceSnapshot> | undefined;
  #closing: Promise<void> | undefined;

  /** @throws `InvalidOptionError` for an invalid option. */
  constructor(options: MetricsCollectorOptions = {}) {
    super();
    this.#settings = resolveCollectorSettings(options);
    this.#options = options;
    this.#stats = new ChannelStats(this.#settings.window);
    this.#slo = new SloEvaluator(this.#settings);
    this.#sampler = new ResourceSampler(options);
    this.#prometheus = new PrometheusMetrics(this.#settings.prefix, {
      stats: this.#stats,
      pools: options.pools,
      resources: () => this.#resources,
      alertLevels: () => new Map(this.#slo.metrics.map((metric) => [metric, this.#slo.level(metric)])),
      maxAgentSeries: this.#settings.maxAgentSeries,
    });
    const on = <M>(handle: (message: M) => void): Handler => (message) => handle(message as M);
    this.#handlers = [
      [DIAGNOSTICS_CHANNELS.tmuxCommand, on<TmuxCommandMessage>((m) => this.#onTmuxCommand(m))],
      [DIAGNOSTICS_CHANNELS.cache, on<CacheMessage>((m) => this.#onCache(m))],
      [DIAGNOSTICS_CHANNELS.healthCycle, on<HealthCycleMessage>((m) => this.#onHealthCycle(m))],
      [DIAGNOSTICS_CHANNELS.agentState, on<AgentStateMessage>((m) => this.#onAgentState(m))],
      [DIAGNOSTICS_CHANNELS.delivery, on<DeliveryMessage>((m) => this.#onDelivery(m))],
      [DIAGNOSTICS_CHANNELS.recovery, on<RecoveryMessage>((m) => this.#onRecovery(m))],
      [DIAGNOSTICS_CHANNELS.scheduler, on<SchedulerMessage>((m) => this.#onScheduler(m))],
    ];
    for (const [name, handler] of this.#handlers) subscribe(name, handler);
    const interval = this.#settings.sampleIntervalMs;
    if (interval !== false) {
      const report = (error: unknown): void => void this.emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#timer = setInterval(() => void this.sample().catch(report), interval);
      this.#timer.unref();
    }
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Samples host, tmux server and agent resources now (the timer does the same
   * every `sampleIntervalMs`), evaluates the `cpu` and `memory` SLOs, and emits
   * `sample`. Calls made while a sample is under way share it.
   */
  sample(): Promise<ResourceSnapshot> {
    this.#sampling ??= (async () => {
      try {
        const { resources, errors } = await this.#sampler.sample();
        this.#resources = resources;
        for (const error of errors) this.emit('error', error);
        if (resources.host.cpuRatio !== null) this.#evaluate('cpu', resources.host.cpuRatio);
        this.#evaluate('memory', resources.host.memoryRatio);
        this.emit('sample', resources);
        return resources;
      } finally {
        this.#sampling = undefined;
      }
    })();
    return this.#sampling;
  }

  /** Everything the collector knows now, as plain JSON (see {@link MetricsSnapshot}). */
  snapshot(): MetricsSnapshot {
    const pools: Record<string, PoolSnapshot> = {};
    for (const [server, stats] of Object.entries(this.#options.pools?.().servers ?? {})) {
      pools[server] = { ...stats, acquireP50Ms: finiteOrNull(stats.acquireP50Ms), acquireP99Ms: finiteOrNull(stats.acquireP99Ms) };
    }
    return { at: Date.now(), ...this.#stats.snapshot(), pools, resources: this.#resources, alerts: this.#slo.active() };
  }

  /** The Prometheus exposition text (format 0.0.4) of every metric. */
  prometheus(): Promise<string> {
    return this.#prometheus.text();
  }

  /** The content type of {@link MetricsCollector.prometheus}'s text. */
  get contentType(): string {
    return this.#prometheus.contentType;
  }

  /**
   * Serves `GET /metrics` over HTTP, on loopback unless `host` says otherwise.
   * The server closes with the collector.
   *
   * @throws {@link MetricsServerError} when it cannot listen or the collector is closed.
   * @example
   * const { url, close } = await metrics.serve({ port: 0 });
   * console.log(await (await fetch(url)).text());
   * await close();
   */
  async serve(options: ServeOptions = {}): Promise<MetricsServer> {
    if (this.closed) throw new MetricsServerError(`${options.host ?? '127.0.0.1'}:${options.port ?? 9464}`, 'the collector is closed');
    const served = await serveMetrics(this.#prometheus, options);
    const server: MetricsServer = {
      url: served.url,
      close: () => {
        this.#servers.delete(server);
        return served.close();
      },
    };
    if (this.closed) {
      await served.close();
      throw new MetricsServerError(served.url, 'the collector closed while the endpoint started');
    }
    this.#servers.add(server);
    return server;
  }

  /** Unsubscribes from the channels, stops the timer and the endpoints. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const [name, handler] of this.#handlers) unsubscribe(name, handler);
      clearInterval(this.#timer);
      await Promise.all([...this.#servers].map((server) => server.close()));
      await this.#sampling?.catch(() => undefined);
      this.emit('close');
    })();
    return this.#closing;
  }

  /** Same as {@link MetricsCollector.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onTmuxCommand(message: TmuxCommandMessage): void {
    const command = this.#labels.command.label(message.command);
    const code = this.#errorCode(message);
    this.#stats.tmuxCommand(message, command, code);
    this.#prometheus.tmuxCommand(message, command, code);
    this.#evaluate('errorRate', this.#stats.errorRate(this.#settings.minSamples));
  }

  #onCache(message: CacheMessage): void {
    const layer = this.#labels.layer.label(message.layer);
    this.#stats.cache(message, layer);
    this.#prometheus.cache(message, layer);
  }

  #onHealthCycle(message: HealthCycleMessage): void {
    this.#stats.healthCycle(message, Date.now());
    this.#prometheus.healthCycle(message);
    this.#evaluate('cycleP95Ms', this.#stats.cycleP95Ms(this.#settings.minSamples));
  }

  #onAgentState(message: AgentStateMessage): void {
    this.#stats.agentState(message);
    this.#prometheus.agentState(message);
  }

  #onDelivery(message: DeliveryMessage): void {
    const code = this.#errorCode(message);
    this.#stats.delivery(message, code);
    this.#prometheus.delivery(message, code);
    this.#evaluate('deliveryFailureRate', this.#stats.deliveryFailureRate(this.#settings.minSamples));
  }

  #onRecovery(message: RecoveryMessage): void {
    const strategy = this.#labels.strategy.label(message.strategy);
    const outcome = this.#labels.outcome.label(message.outcome);
    this.#stats.recovery(`${strategy}:${outcome}`);
    this.#prometheus.recovery(strategy, outcome);
  }

  #onScheduler(message: SchedulerMessage): void {
    this.#stats.scheduler(message);
    this.#prometheus.scheduler(message);
  }

  /** The bounded error code label of a failure (`unknown` when the message has none); `''` for a success. */
  #errorCode(message: { readonly ok: boolean; readonly errorCode?: string }): string {
    return message.ok ? '' : this.#labels.code.label(message.errorCode ?? 'unknown');
  }

  #evaluate(metric: SloMetric, value: number): void {
    for (const event of this.#slo.evaluate(metric, value, Date.now())) {
      this.#prometheus.alert(event);
      this.emit('alert', event);
    }
  }
}
