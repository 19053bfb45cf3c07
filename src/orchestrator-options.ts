/**
 * The options and events of `Orchestrator`, and the defaults it derives from
 * its servers.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Agent, AgentStateChange } from './agents/agent.js';
import type { DeliveryOptions } from './agents/delivery/options.js';
import type { SpawnAgentOptions } from './agents/spawn.js';
import type { LayeredCacheOptions } from './cache/layered-cache.js';
import type { HealthCheckerOptions } from './health/options.js';
import type { RecoveryManagerOptions } from './health/recovery/manager.js';
import type { RecoveryPolicy } from './health/recovery/policy.js';
import type { MetricsCollectorOptions } from './metrics/options.js';
import type { Orchestrator } from './orchestrator.js';
import type { PlacementStrategyName } from './placement/strategy.js';
import type { ConnectionPoolOptions } from './pool/options.js';
import type { SchedulerOptions } from './scheduler/options.js';
import type { Plugin } from './strategies/plugin.js';
import type { TmuxServerOptions } from './tmux/server.js';

/** Options of the orchestrator's monitor (`orc.health`). */
export interface MonitorOptions extends Omit<HealthCheckerOptions, 'agents' | 'registry' | 'cache'> {
  /**
   * Run cycles continuously from `start()`, every `intervalMs`. With `false`,
   * cycles run only when `orc.health.check()` or `orc.health.start()` is called.
   * @default true
   */
  readonly start?: boolean;
}

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
  /**
   * The monitor: its mode (`events` or `poll`), interval, stall time and
   * timeouts, and whether it runs continuously.
   * @default { mode: 'events', intervalMs: 1000, start: true }
   */
  readonly monitor?: MonitorOptions;
  /** The cache layers' sizes and lifetimes (the monitor keeps screens in `pane_content`). */
  readonly cache?: LayeredCacheOptions;
  /**
   * Recovery: which strategy answers an exit, a stall, a rate limit or an
   * error, per agent kind and per agent; `false` for none.
   * @default restart exited agents (with backoff and a crash-loop cap), resume rate-limited ones, notify the rest
   */
  readonly recovery?: Omit<RecoveryManagerOptions, 'source' | 'fleet' | 'registry'> | false;
  /**
   * The scheduler: where jobs are kept and what happens to due times missed
   * while no orchestrator ran.
   * @default jobs kept in a file per server (see {@link defaultScheduleStore}), misfire `fire-once`
   */
  readonly scheduler?: Omit<SchedulerOptions, 'deliver' | 'hasAgent' | 'registry'>;
  /** The metrics collector's SLO thresholds, windows and sampling. */
  readonly metrics?: Omit<MetricsCollectorOptions, 'pools' | 'agents' | 'servers' | 'clients'>;
  /** Plugins, set up in order before the fleet is discovered. */
  readonly plugins?: readonly Plugin<Orchestrator>[];
  /**
   * Find the agents already on the servers at start (recorded ones, and the
   * original scripts' layout), so a new process takes over its fleet.
   * @default true
   */
  readonly discover?: boolean;
}

/** Options of {@link Orchestrator.spawn}. */
export interface OrchestratorSpawnOptions extends SpawnAgentOptions {
  /**
   * This agent's recovery strategies, over its kind's and the defaults
   * (e.g. `{ exited: 'escalate' }`).
   * @default its kind's policy
   */
  readonly recovery?: Partial<RecoveryPolicy>;
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

/**
 * The default server: a private socket of its own.
 *
 * @example
 * await using orc = await Orchestrator.start(); // on DEFAULT_SERVERS: [{ socketName: 'tmux-orchestrator' }]
 * // watch the fleet with: tmux -L tmux-orchestrator attach
 */
export const DEFAULT_SERVERS: readonly TmuxServerOptions[] = [{ socketName: 'tmux-orchestrator' }];

/**
 * Where an orchestrator keeps its scheduled jobs unless told otherwise: one
 * file per tmux server (its first), so a new orchestrator on the same server
 * takes its jobs over and orchestrators of different servers never share one.
 * The file is made, and locked, when the first job is scheduled: until then
 * several orchestrators can run on one server; after that, only the one
 * holding it schedules there.
 * Beside the socket for a `socketPath` server (`SOCKET.schedule.jsonl`);
 * otherwise `$XDG_STATE_HOME/tmux-orchestrator/NAME.schedule.jsonl`
 * (`~/.local/state` when unset), NAME being the socket name or `default`.
 *
 * @example
 * defaultScheduleStore({ socketName: 'agents' }); // '/home/me/.local/state/tmux-orchestrator/agents.schedule.jsonl'
 */
export function defaultScheduleStore(server: TmuxServerOptions): string {
  if (server.socketPath !== undefined) return `${server.socketPath}.schedule.jsonl`;
  const state = process.env.XDG_STATE_HOME !== undefined && process.env.XDG_STATE_HOME !== '' ? process.env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'tmux-orchestrator', `${server.socketName ?? 'default'}.schedule.jsonl`);
}
