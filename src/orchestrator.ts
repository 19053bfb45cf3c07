/**
 * `Orchestrator`: the facade. It wires the pools, the strategy registry and
 * the fleet of agents together and owns their lifecycle; the work itself is
 * done by the modules it wires.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { Agent, type AgentStateChange } from './agents/agent.js';
import type { DeliveryOptions } from './agents/delivery/options.js';
import { BUILTIN_DELIVERIES } from './agents/delivery/index.js';
import { BUILTIN_DETECTORS } from './agents/detectors/index.js';
import { discoverAgents } from './agents/discover.js';
import { UnknownAgentError } from './agents/errors.js';
import { Fleet } from './agents/fleet.js';
import { spawnAgent, adoptPane, type AdoptOptions, type SpawnAgentOptions } from './agents/spawn.js';
import type { AgentKind } from './agents/strategy-kinds.js';
import { InvalidOptionError } from './errors.js';
import { PoolGroup } from './pool/group.js';
import type { ConnectionPoolOptions } from './pool/options.js';
import type { Plugin } from './strategies/plugin.js';
import { StrategyRegistry } from './strategies/registry.js';
import { TmuxClient } from './tmux/client.js';
import { serverArgs, serverKey, type TmuxServerOptions } from './tmux/server.js';
import { BUILTIN_PLACEMENTS } from './placement/index.js';
import type { PlacementStrategyName } from './placement/strategy.js';

/** Options of {@link Orchestrator.start}. */
export interface OrchestratorOptions {
  /**
   * The tmux servers agents run on. New agents go where `placement` puts them.
   * One server's event loop does work for every pane it holds, so beyond a
   * few hundred agents spread them over several servers (see the monitoring guide).
   * @default [{ socketName: 'tmux-orchestrator' }]
   */
  readonly servers?: readonly TmuxServerOptions[];
  /**
   * Start the servers when they are not running.
   * @default true
   */
  readonly startServer?: boolean;
  /**
   * Which server a new agent goes to (a registered `placement` strategy).
   * @default 'least-loaded'
   */
  readonly placement?: PlacementStrategyName;
  /** Options of each server's connection pool. */
  readonly pool?: Omit<ConnectionPoolOptions, keyof TmuxServerOptions | 'startServer'>;
  /** Defaults for every `agent.send()`. */
  readonly delivery?: DeliveryOptions;
  /** Plugins, set up in order before the fleet is discovered. */
  readonly plugins?: readonly Plugin<Orchestrator>[];
  /**
   * Find the agents already on the servers at start (recorded ones, and the
   * original scripts' layout), so a new process takes over its fleet.
   * @default true
   */
  readonly discover?: boolean;
}

/** Events of an {@link Orchestrator}. */
export interface OrchestratorEvents {
  /** An agent joined the fleet: spawned, adopted or discovered. */
  'agent:added': (agent: Agent, how: 'spawned' | 'adopted' | 'discovered') => void;
  /** An agent left the fleet (killed). */
  'agent:removed': (agent: Agent) => void;
  /** An agent's confirmed state changed (after hysteresis), with the evidence. */
  'agent:state': (change: AgentStateChange) => void;
  /** The orchestrator closed. */
  close: () => void;
}

/** The default server: a private socket of its own. */
const DEFAULT_SERVERS: readonly TmuxServerOptions[] = [{ socketName: 'tmux-orchestrator' }];

/**
 * Runs a fleet of terminal agents in tmux.
 *
 * @example
 * await using orc = await Orchestrator.start({ servers: [{ socketName: 'agents' }] });
 * const eng = await orc.spawn({ name: 'eng-1', kind: 'claude-code', command: ['claude'], cwd: '/repo' });
 * const receipt = await eng.send('Run the tests and report');
 * orc.on('agent:state', (e) => console.log(e.agent.name, e.from, '→', e.to));
 */
export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  /** Named strategies: built-in detectors and deliveries, and whatever plugins add. */
  readonly registry = new StrategyRegistry();
  /** The servers agents run on. */
  readonly servers: readonly TmuxServerOptions[];

  readonly #pools: PoolGroup;
  readonly #clients = new Map<TmuxServerOptions, TmuxClient>();
  readonly #fleet: Fleet;
  readonly #teardowns: (() => void | Promise<void>)[] = [];
  readonly #placementName: string;
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
    });
    for (const [name, factory] of Object.entries(BUILTIN_DETECTORS)) this.registry.register('detector', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_DELIVERIES)) this.registry.register('delivery', name, factory);
    for (const [name, factory] of Object.entries(BUILTIN_PLACEMENTS)) this.registry.register('placement', name, factory);
    this.#placementName = options.placement ?? 'least-loaded';
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
      if (options.discover ?? true) await orchestrator.discover();
      else await Promise.all([...orchestrator.#clients.values()].map((client) => client.run(['display-message', '-p', 'ok'])));
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
  async spawn(options: SpawnAgentOptions): Promise<Agent> {
    this.#fleet.reserve(options.name);
    try {
      const detector = this.#fleet.detector(options.kind);
      const server = this.#serverFor(options);
      const client = this.#clientFor(server);
      const record = await spawnAgent(client, options, detector);
      return this.#add(this.#fleet.create(record, client, server), 'spawned');
    } finally {
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

  /** Closes the pools and runs plugin teardowns. Agents keep running in tmux. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const teardown of this.#teardowns.reverse()) await teardown();
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
  #serverFor(options: SpawnAgentOptions): TmuxServerOptions {
    if (options.server !== undefined) return this.#configuredServer(options.server);
    const counts = this.#fleet.countByServer();
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

