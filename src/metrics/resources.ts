/**
 * Resource samples: the host, each tmux server process, and each agent's
 * process tree (its pane's process and all descendants), with CPU shares
 * measured between consecutive samples.
 *
 * @module
 */
import type { TmuxClient } from '../tmux/client.js';
import { defineRow, integer, text } from '../tmux/formats.js';
import { serverKey, type TmuxServerOptions } from '../tmux/server.js';
import type { MeasuredAgent } from './options.js';
import { measureProcessTrees, type ProcessTree } from './processes.js';
import { HostSampler, type HostResources } from './system.js';

/** One tmux server process (the process alone, not the panes under it). */
export interface TmuxServerResources {
  /** The server, as `serverKey()` names it (e.g. `tmux -L agents`). */
  readonly server: string;
  /** The server's pid. */
  readonly pid: number;
  /** CPU time per wall-clock time since the previous sample (1 = one core busy); `null` at its first sample. */
  readonly cpuRatio: number | null;
  /** Resident memory, in bytes. */
  readonly rssBytes: number;
}

/** One agent's process tree. */
export interface AgentResources {
  /** The agent's name. */
  readonly agent: string;
  /** Its kind. */
  readonly kind: string;
  /** Its pane. */
  readonly paneId: string;
  /** Its server, as `serverKey()` names it. */
  readonly server: string;
  /** The pane's process (the root of the tree). */
  readonly pid: number;
  /** Processes in the tree. */
  readonly processes: number;
  /** CPU time of the tree per wall-clock time since the previous sample (1 = one core busy); `null` at the tree's first sample. */
  readonly cpuRatio: number | null;
  /** Resident memory of the tree, in bytes. */
  readonly rssBytes: number;
}

/** One resource sample. */
export interface ResourceSnapshot {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  /** The host. */
  readonly host: HostResources;
  /** Each tmux server reached. */
  readonly tmuxServers: readonly TmuxServerResources[];
  /** Each agent whose pane was found, in the order the source lists them. */
  readonly agents: readonly AgentResources[];
  /** All agents' trees together. */
  readonly fleet: {
    /** Processes. */
    readonly processes: number;
    /** Sum of the agents' CPU ratios known so far; `null` when there are agents and none is known yet. */
    readonly cpuRatio: number | null;
    /** Resident memory, in bytes. */
    readonly rssBytes: number;
  };
}

/** What one call to `ResourceSampler.sample()` found. */
export interface ResourceSample {
  /** The sample. */
  readonly resources: ResourceSnapshot;
  /** Servers that could not be asked, or a process table that could not be read; the sample goes on without them. */
  readonly errors: readonly Error[];
}

/** Where the sampler finds tmux servers and agents. */
export interface ResourceSources {
  /** The agents to measure. */
  readonly agents?: (() => readonly MeasuredAgent[]) | undefined;
  /** Servers to measure besides the agents' ones. */
  readonly servers?: (() => readonly TmuxServerOptions[]) | undefined;
  /** A client per server; without it only the host is sampled. */
  readonly clients?: ((server: TmuxServerOptions) => TmuxClient) | undefined;
}

const PANE_PID_ROW = defineRow({ id: text('#{pane_id}'), pid: integer('#{pane_pid}') });

interface ServerProcesses {
  readonly key: string;
  readonly pid: number;
  readonly panes: ReadonlyMap<string, number>;
}

interface CpuReading {
  readonly at: number;
  readonly cpuSeconds: ReadonlyMap<number, number>;
}

/**
 * Takes resource samples. Each call to `sample()` measures everything once;
 * CPU ratios compare with the previous call.
 *
 * @example
 * const sampler = new ResourceSampler({ agents: () => orc.agents, clients: (server) => client });
 * const { resources, errors } = await sampler.sample();
 */
export class ResourceSampler {
  readonly #sources: ResourceSources;
  readonly #host = new HostSampler();
  #previous = new Map<string, CpuReading>();

  constructor(sources: ResourceSources) {
    this.#sources = sources;
  }

  /** Measures the host, the tmux servers and the agents. Servers that cannot be asked are reported in `errors` and left out. */
  async sample(): Promise<ResourceSample> {
    const host = this.#host.sample();
    const at = Date.now();
    const errors: Error[] = [];
    const agents = this.#sources.agents?.() ?? [];
    const servers = await this.#serverProcesses(agents, errors);
    const byKey = new Map(servers.map((server) => [server.key, server]));
    const agentRoots = agents.flatMap((agent) => {
      const key = serverKey(agent.server);
      const pid = byKey.get(key)?.panes.get(agent.paneId);
      return pid === undefined ? [] : [{ agent, key, pid }];
    });
    const trees = await measureProcessTrees([
      ...servers.map(({ pid }) => ({ pid, includeDescendants: false })),
      ...agentRoots.map(({ pid }) => ({ pid, includeDescendants: true })),
    ]).catch((error: unknown) => {
      errors.push(error instanceof Error ? error : new Error(String(error)));
      return new Map<number, ProcessTree>();
    });
    const now = performance.now();
    const readings = new Map<string, CpuReading>();
    const cpuRatio = (id: string, tree: ProcessTree): number | null => {
      readings.set(id, { at: now, cpuSeconds: tree.cpuSeconds });
      return this.#cpuRatio(id, tree, now);
    };
    const tmuxServers: TmuxServerResources[] = servers.flatMap(({ key, pid }) => {
      const tree = trees.get(pid);
      return tree === undefined ? [] : [{ server: key, pid, cpuRatio: cpuRatio(`server ${key} ${pid}`, tree), rssBytes: tree.rssBytes }];
    });
    const agentResources: AgentResources[] = agentRoots.flatMap(({ agent, key, pid }) => {
      const tree = trees.get(pid);
      if (tree === undefined) return [];
      const ratio = cpuRatio(`agent ${key} ${agent.paneId} ${pid}`, tree);
      const { name, kind, paneId } = agent;
      return [{ agent: name, kind, paneId, server: key, pid, processes: tree.cpuSeconds.size, cpuRatio: ratio, rssBytes: tree.rssBytes }];
    });
    this.#previous = readings;
    return { resources: { at, host, tmuxServers, agents: agentResources, fleet: fleetTotals(agentResources) }, errors };
  }

  /** CPU seconds the tree's processes used since the previous reading, per second; processes new to the tree count in full. */
  #cpuRatio(id: string, tree: ProcessTree, now: number): number | null {
    const previous = this.#previous.get(id);
    const seconds = previous === undefined ? 0 : (now - previous.at) / 1000;
    if (previous === undefined || seconds <= 0) return null;
    let used = 0;
    for (const [pid, cpu] of tree.cpuSeconds) used += Math.max(0, cpu - (previous.cpuSeconds.get(pid) ?? 0));
    return used / seconds;
  }

  /** Asks each server (the agents' ones and the extra ones, once each) for its pid and its panes' pids. */
  async #serverProcesses(agents: readonly MeasuredAgent[], errors: Error[]): Promise<ServerProcesses[]> {
    const clients = this.#sources.clients;
    if (clients === undefined) return [];
    const servers = new Map<string, TmuxServerOptions>();
    for (const server of [...(this.#sources.servers?.() ?? []), ...agents.map((agent) => agent.server)]) {
      const key = serverKey(server);
      if (!servers.has(key)) servers.set(key, server);
    }
    const found = await Promise.all(
      [...servers].map(async ([key, server]): Promise<ServerProcesses | undefined> => {
        try {
          const client = clients(server);
          const [pid, panes] = await Promise.all([
            client.run(['display-message', '-p', '#{pid}'], { readOnly: true }),
            client.run(['list-panes', '-a', '-F', PANE_PID_ROW.template], { readOnly: true }),
          ]);
          return { key, pid: Number(pid[0]), panes: new Map(PANE_PID_ROW.parse(panes).map((row) => [row.id, row.pid])) };
        } catch (error) {
          errors.push(error instanceof Error ? error : new Error(String(error)));
          return undefined;
        }
      }),
    );
    return found.filter((server) => server !== undefined);
  }
}

function fleetTotals(agents: readonly AgentResources[]): ResourceSnapshot['fleet'] {
  const known = agents.map((agent) => agent.cpuRatio).filter((ratio) => ratio !== null);
  return {
    processes: agents.reduce((sum, agent) => sum + agent.processes, 0),
    cpuRatio: agents.length > 0 && known.length === 0 ? null : known.reduce((sum, ratio) => sum + ratio, 0),
    rssBytes: agents.reduce((sum, agent) => sum + agent.rssBytes, 0),
  };
}
