/**
 * `Orchestrator`: the facade. It wires the pools, the strategy registry and
 * the fleet of agents together and owns their lifecycle; the work itself is
 * done by the modules it wires.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { LayeredCache } from './cache/layered-cache.js';
import { invalidateOnTmuxEvents } from './cache/tmux-invalidation.js';
import { HealthChecker } from './health/checker.js';
import { BUILTIN_RECOVERIES } from './health/recovery/index.js';
import { RecoveryManager } from './health/recovery/manager.js';
import { MetricsCollector } from './metrics/collector.js';
import {
  DEFAULT_SERVERS,
  defaultScheduleStore,
  type OrchestratorEvents,
  type OrchestratorOptions,
  type OrchestratorSpawnOptions,
} from './orchestrator-options.js';
import { BUILTIN_STORES } from './scheduler/options.js';
import { Scheduler } from './scheduler/scheduler.js';
import { Agent } from './agents/agent.js';
import { BUILTIN_DELIVERIES } from './agents/delivery/index.js';
import { BUILTIN_DETECTORS } from './agents/detectors/index.js';
import { discoverAgents } from './agents/discover.js';
import { UnknownAgentError } from './agents/errors.js';
import { Fleet } from './agents/fleet.js';
import { spawnAgent, adoptPane, type AdoptOptions } from './agents/spawn.js';
import type { AgentKind } from './agents/strategy-kinds.js';
import { InvalidOptionError } from './errors.js';
import { PoolGroup } from './pool/group.js';
import { StrategyRegistry } from './strategies/registry.js';
import { TmuxClient } from './tmux/client.js';
import { serverArgs, serverKey, type TmuxServerOptions } from './tmux/server.js';
import { BUILTIN_PLACEMENTS } from './placement/index.js';

/**
 * Runs a fleet of terminal agents in tmux: spawns and finds them, delivers
 * their messages, watches them (`health`), recovers them (`recovery`),
 * schedules check-ins (`scheduler`) and measures it all (`metrics`).
 *
 * @example
 * await using orc = await Orchestrator.start({ servers: [{ socketName: 'agents' }] });
 * const eng = await orc.spawn({ name: 'eng-1', kind: 'claude-code', command: ['claude'], cwd: '/repo' });
 * const receipt = await eng.send('Run the tests and report');
 * orc.on('agent:state', (e) => console.log(e.agent.name, e.from, '→', e.to));
 * await orc.scheduler.in('15m', { agent: 'eng-1', message: 'Check-in: how far are you?' });
 * const report = await orc.health.check();
 */
export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  /** Named strategies: built-in detectors and deliveries, and whatever plugins add. */
  readonly registry = new StrategyRegistry();
  /** The servers agents run on. */
  readonly servers: readonly TmuxServerOptions[];
  /** Cache layers; the monitor keeps each agent's latest screen in `pane_content`. */
  readonly cache: LayeredCache;
  /** The monitor: cycles over the fleet, dirty tracking, `agent:exited` and `agent:stalled`. */
  readonly health: HealthChecker;
  /** Durable timers and cron: check-in messages to agents and named handlers. */
  readonly scheduler: Scheduler;
  /** Metrics of every module, resources, SLO alerts and Prometheus text. */
  readonly metrics: MetricsCollector;

  readonly #pools: PoolGroup;
  readonly #clients = new Map<TmuxServerOptions, TmuxClient>();
  readonly #fleet: Fleet;
  readonly #teardowns: (() => void | Promise<void>)[] = [];
  readonly #placementName: string;
  /** The server each spawn under way was placed on (by server key), by agent name. */
  readonly #placing = new Map<string, string>();
  #recovery: RecoveryManager | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: OrchestratorOptions) {
    super();
    this.servers = options.servers ?? DEFAULT_SERVERS;
    if (this.servers.length === 0) throw new InvalidOptionError('Expected `servers` to name at least one tmux server, got none');
    for (const server of this.servers) serverArgs(server);
    this.#pools = new PoolGroup({ ...options.pool, startServer: options.startServer ?? true });
    for (const server of this.servers) this.#clients.set(server, new TmuxClient(this.#pools.get(server)));
    this.#fleet = new Fleet({
      registry: this.registry,
      delivery: options.delivery ?? {},
      onState: (change) => this.emit('agent:state', change),
      onRemoved: (agent) => this.emit('agent:removed', agent),
      guardRespawn: (agent, respawn) => this.health.guardRespawn(agent, respawn),
    });
    for (const [name, factory] of Object.entries(BUILTIN_DETECTORS)) this.registry.register('detector', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_DELIVERIES)) this.registry.register('delivery', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_PLACEMENTS)) this.registry.register('placement', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_RECOVERIES)) this.registry.register('recovery', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_STORES)) this.registry.register('store', name, factory);
    this.#placementName = options.placement ?? 'least-loaded';
    this.cache = new LayeredCache(options.cache);
    for (const client of this.#clients.values()) this.#teardowns.push(invalidateOnTmuxEvents(this.cache, client));
    const { start: _start, ...monitor } = options.monitor ?? {};
    this.health = new HealthChecker({ ...monitor, agents: () => this.#fleet.monitored(), registry: this.registry, cache: this.cache });
    this.scheduler = new Scheduler({
      store: { strategy: 'file', options: { path: defaultScheduleStore(this.servers[0] as TmuxServerOptions), lazy: true } },
      ...options.scheduler,
      registry: this.registry,
      deliver: (agent, message, signal) => this.agent(agent).send(message, signal === undefined ? {} : { signal }),
      hasAgent: (name) => this.#fleet.get(name) !== undefined,
    });
    this.metrics = new MetricsCollector({
      ...options.metrics,
      pools: () => this.#pools.stats,
      agents: () => this.agents,
      servers: () => this.servers,
      clients: (server) => this.#clientFor(server),
    });
  }

  /**
   * Recovery: strategies that answer what the monitor reports (restart an
   * exited agent, resume a rate-limited one, escalate a stalled one…).
   * `undefined` when the orchestrator was started with `recovery: false`.
   */
  get recovery(): RecoveryManager | undefined {
    return this.#recovery;
  }

  /**
   * Connects to the servers (starting them unless told not to), sets up the
   * plugins, and discovers the agents already running.
   *
   * @throws `InvalidOptionError`, `ServerNotRunningError`, `TmuxNotFoundError`, or a plugin's error;
   *   whatever was started is closed again.
   */
  static async start(options: OrchestratorOptions = {}): Promise<Orchestrator> {
    const orchestrator = new Orchestrator(options);
    try {
      for (const plugin of options.plugins ?? []) {
        const teardown = await plugin.setup({ registry: orchestrator.registry, orchestrator });
        if (typeof teardown === 'function') orchestrator.#teardowns.push(teardown);
      }
      orchestrator.registry.get('placement', orchestrator.#placementName);
      if (options.recovery !== false) {
        // After the plugins, which may register the strategies a policy names.
        orchestrator.#recovery = new RecoveryManager({ ...options.recovery, source: orchestrator.health, fleet: orchestrator, registry: orchestrator.registry });
      }
      if (options.discover ?? true) await orchestrator.discover();
      else await Promise.all([...orchestrator.#clients.values()].map((client) => client.run(['display-message', '-p', 'ok'])));
      // After discovery, so that stored message jobs find their agents.
      await orchestrator.scheduler.start();
      if (options.monitor?.start ?? true) orchestrator.health.start();
    } catch (error) {
      await orchestrator.close();
      throw error;
    }
    return orchestrator;
  }

  /** The agents in the fleet, in the order they joined. */
  get agents(): readonly Agent[] {
    return this.#fleet.list();
  }

  /** The agent with this name, or `undefined`. */
  get(name: string): Agent | undefined {
    return this.#fleet.get(name);
  }

  /**
   * The agent with this name.
   *
   * @throws {@link UnknownAgentError}
   */
  agent(name: string): Agent {
    const agent = this.#fleet.get(name);
    if (agent === undefined) throw new UnknownAgentError(name);
    return agent;
  }

  /**
   * Starts an agent: a window (in `session`, made if missing) running
   * `command`, recorded in tmux as an agent so another process can find it.
   *
   * @throws `DuplicateAgentError`, `UnknownStrategyError` for an unknown kind,
   *   `InvalidArgumentError` for a bad name, command, cwd or env,
   *   `InvalidOptionError` for a server that is not one of the orchestrator's.
   */
  async spawn(options: OrchestratorSpawnOptions): Promise<Agent> {
    this.#fleet.reserve(options.name);
    try {
      const detector = this.#fleet.detector(options.kind);
      const server = this.#serverFor(options);
      // Counted as the server's until it joins the fleet, so spawns made at once spread out too.
      this.#placing.set(options.name, serverKey(server));
      const client = this.#clientFor(server);
      // Checked (and kept) before anything is started.
      if (options.recovery !== undefined) this.#recovery?.setPolicy(options.name, options.recovery);
      let record;
      try {
        record = await spawnAgent(client, options, detector);
      } catch (error) {
        if (options.recovery !== undefined) this.#recovery?.setPolicy(options.name, undefined);
        throw error;
      }
      return this.#add(this.#fleet.create(record, client, server), 'spawned');
    } finally {
      this.#placing.delete(options.name);
      this.#fleet.release(options.name);
    }
  }

  /**
   * Makes an existing pane (started by hand or by other scripts) an agent and
   * records it in tmux.
   *
   * @throws `DuplicateAgentError`, `UnknownStrategyError`, `TmuxCommandError` for an unknown pane.
   */
  async adopt(target: string, options: AdoptOptions): Promise<Agent> {
    const server = this.#configuredServer(options.server ?? (this.servers[0] as TmuxServerOptions));
    const client = this.#clientFor(server);
    this.#fleet.detector(options.kind);
    const record = await adoptPane(client, target, options, (name) => this.#fleet.reserve(name));
    try {
      return this.#add(this.#fleet.create(record, client, server), 'adopted');
    } finally {
      this.#fleet.release(record.name);
    }
  }

  /**
   * Finds agents on every server that are not in the fleet yet: panes this
   * library recorded, and panes in the original scripts' layout (which are
   * then recorded too). Returns the agents added.
   */
  async discover(): Promise<Agent[]> {
    const added: Agent[] = [];
    for (const server of this.servers) {
      const client = this.#clientFor(server);
      for (const found of await discoverAgents(client)) {
        if (this.#fleet.get(found.name) !== undefined || !this.registry.has('detector', found.kind)) continue;
        const record =
          found.source === 'recorded'
            ? { name: found.name, kind: found.kind, command: found.command, paneId: found.paneId, cwd: found.cwd }
            // The registry has this kind (checked above), whether or not the type system knows its name.
            : await adoptPane(client, found.paneId, { name: found.name, kind: found.kind as AgentKind }, () => undefined);
        added.push(this.#add(this.#fleet.create(record, client, server), 'discovered'));
      }
    }
    return added;
  }

  /**
   * Stops the scheduler, recovery and the monitor, runs plugin teardowns and
   * closes the connections. Agents keep running in tmux, and scheduled jobs
   * wait in their store for the next start. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // The scheduler first: its jobs deliver through the pools.
      await this.scheduler.close();
      await this.#recovery?.close();
      await this.health.close();
      for (const teardown of this.#teardowns.reverse()) await teardown();
      await this.metrics.close();
      this.#fleet.close();
      await this.#pools.close();
      this.emit('close');
    })();
    return this.#closing;
  }

  /** Same as {@link Orchestrator.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #add(agent: Agent, how: 'spawned' | 'adopted' | 'discovered'): Agent {
    this.emit('agent:added', agent, how);
    return agent;
  }

  /** The server a new agent goes to: the one asked for, or the placement strategy's pick. */
  #serverFor(options: OrchestratorSpawnOptions): TmuxServerOptions {
    if (options.server !== undefined) return this.#configuredServer(options.server);
    const counts = this.#fleet.countByServer();
    for (const key of this.#placing.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
    const loads = this.servers.map((server) => ({ server, agents: counts.get(serverKey(server)) ?? 0 }));
    const request = { name: options.name, kind: options.kind, ...(options.session === undefined ? {} : { session: options.session }) };
    const picked = this.registry.get('placement', this.#placementName)()(loads, request);
    return this.#configuredServer(picked);
  }

  /** The configured server equal to `server`. */
  #configuredServer(server: TmuxServerOptions): TmuxServerOptions {
    const found = this.servers.find((candidate) => candidate === server) ?? this.servers.find((candidate) => sameServer(candidate, server));
    if (found === undefined) {
      throw new InvalidOptionError(`Expected \`server\` to be one of the orchestrator's servers, got ${JSON.stringify(server)}`);
    }
    return found;
  }

  #clientFor(server: TmuxServerOptions | undefined): TmuxClient {
    return this.#clients.get(this.#configuredServer(server ?? (this.servers[0] as TmuxServerOptions))) as TmuxClient;
  }
}

function sameServer(a: TmuxServerOptions, b: TmuxServerOptions): boolean {
  return a.socketName === b.socketName && a.socketPath === b.socketPath && (a.tmuxPath ?? 'tmux') === (b.tmuxPath ?? 'tmux');
}

