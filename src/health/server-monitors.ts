/**
 * The per-server monitors of a health checker: made when a server's first
 * agent appears, retired when its last one leaves.
 *
 * @module
 */
import type { Agent } from '../agents/agent.js';
import { serverKey, type TmuxServerOptions } from '../tmux/server.js';
import type { MonitoredAgent } from './monitored-agent.js';
import type { ResolvedHealthCheckerOptions } from './options.js';
import { ServerScreens } from './screens.js';
import { ServerMonitor, type AgentOutcome } from './server-monitor.js';

/**
 * One {@link ServerMonitor} per server the fleet runs on.
 *
 * @internal
 */
export class ServerMonitors {
  readonly #options: ResolvedHealthCheckerOptions;
  readonly #monitors = new Map<string, ServerMonitor>();
  readonly #retiring = new Set<Promise<void>>();
  /** Each server's key, by the options object agents share: made once, not per agent per cycle. */
  readonly #keys = new WeakMap<TmuxServerOptions, string>();

  constructor(options: ResolvedHealthCheckerOptions) {
    this.#options = options;
  }

  /** Servers looked at by the last {@link ServerMonitors.observe}. */
  get size(): number {
    return this.#monitors.size;
  }

  /** Observes every server's agents in parallel; outcomes in `agents` order. */
  async observe(agents: readonly MonitoredAgent[]): Promise<AgentOutcome[]> {
    const byServer = new Map<string, number[]>();
    agents.forEach((monitored, i) => {
      const key = this.#key(monitored.agent.server);
      const group = byServer.get(key);
      if (group === undefined) byServer.set(key, [i]);
      else group.push(i);
    });
    for (const [key, monitor] of this.#monitors) if (!byServer.has(key)) this.#retire(key, monitor);
    const outcomes = new Array<AgentOutcome>(agents.length);
    await Promise.all(
      [...byServer].map(async ([key, indexes]) => {
        const group = indexes.map((i) => agents[i] as MonitoredAgent);
        const results = await this.#monitor(key, group[0] as MonitoredAgent).observe(group);
        results.forEach((outcome, k) => (outcomes[indexes[k] as number] = outcome));
      }),
    );
    return outcomes;
  }

  /** The monitor of the agent's server, if a cycle made one. */
  of(agent: Agent): ServerMonitor | undefined {
    return this.#monitors.get(this.#key(agent.server));
  }

  /** Closes every monitor's strategy. */
  async close(): Promise<void> {
    for (const [key, monitor] of this.#monitors) this.#retire(key, monitor);
    await Promise.allSettled(this.#retiring);
  }

  #key(server: TmuxServerOptions): string {
    let key = this.#keys.get(server);
    if (key === undefined) this.#keys.set(server, (key = serverKey(server)));
    return key;
  }

  #monitor(key: string, first: MonitoredAgent): ServerMonitor {
    let monitor = this.#monitors.get(key);
    if (monitor === undefined) {
      const { cache, monitor: factory, observeTimeoutMs, captureConcurrency } = this.#options;
      const screens = new ServerScreens(cache, first.agent.server);
      const strategy = factory({
        server: first.agent.server,
        client: first.client,
        timeoutMs: observeTimeoutMs,
        screenChanged: (paneId) => screens.invalidate(paneId),
      });
      monitor = new ServerMonitor({ client: first.client, strategy, screens, captureConcurrency, observeTimeoutMs });
      this.#monitors.set(key, monitor);
    }
    return monitor;
  }

  /** Closes a monitor whose server has no agents left, in the background (`close()` waits for it). */
  #retire(key: string, monitor: ServerMonitor): void {
    this.#monitors.delete(key);
    const retiring = monitor.strategy.close().catch(() => undefined);
    this.#retiring.add(retiring);
    void retiring.finally(() => this.#retiring.delete(retiring));
  }
}
