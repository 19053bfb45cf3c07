/**
 * The Prometheus series read at scrape time: pools, agents per state, cache
 * hit ratios, alert levels and the latest resource sample.
 *
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PoolGroupStats } from '../pool/group.js';
import type { ConnectionPoolStats } from '../pool/options.js';
import type { SloMetric } from './options.js';
import type { ResourceSnapshot } from './resources.js';
import type { ChannelStats } from './stats.js';

/** Where the scrape-time series come from. @internal */
export interface GaugeSources {
  /** The channel figures. */
  readonly stats: ChannelStats;
  /** Connection pool stats, when the collector has a source for them. */
  readonly pools: (() => PoolGroupStats) | undefined;
  /** The latest resource sample. */
  readonly resources: () => ResourceSnapshot | null;
  /** The gravest level raised per measure (0 to 3). */
  readonly alertLevels: () => ReadonlyMap<SloMetric, number>;
  /** Agents past this many get no series of their own. */
  readonly maxAgentSeries: number;
}

type Labels<L extends string> = Partial<Record<L, string>>;
type Series<L extends string> = Iterable<readonly [Labels<L>, number | null]>;

/** Registers the scrape-time series of the collector. @internal */
export function registerGauges(registry: Registry, prefix: string, sources: GaugeSources): void {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Series<L>): void => {
    new Gauge<L>({
      name: prefix + name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) if (value !== null && Number.isFinite(value)) this.set(labels, value);
      },
    });
  };
  /** A counter that mirrors a count kept elsewhere (a pool's). */
  const mirrored = <L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Series<L>): void => {
    new Counter<L>({
      name: prefix + name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) if (value !== null) this.inc(labels, value);
      },
    });
  };
  const pools = (field: keyof ConnectionPoolStats): (() => Series<'server'>) => () =>
    Object.entries(sources.pools?.().servers ?? {}).map(([server, stats]) => [{ server }, stats[field]] as const);

  gauge('pool_connections', 'Connections open, per tmux server.', ['server'], pools('connections'));
  gauge('pool_connections_in_use', 'Connections with a command in flight, per tmux server.', ['server'], pools('inUse'));
  gauge('pool_pending_commands', 'Commands sent and not answered yet, plus those waiting for a connection.', ['server'], pools('pending'));
  gauge('pool_waiting_commands', 'Commands waiting for a connection with room.', ['server'], pools('waiting'));
  // Not a summary (the pool keeps the percentiles, not the counts), so not a `quantile` label either.
  gauge('pool_acquire_seconds', 'Recent wait for a connection, by percentile (50, 99).', ['server', 'percentile'], () =>
    Object.entries(sources.pools?.().servers ?? {}).flatMap(([server, stats]) => [
      [{ server, percentile: '50' }, stats.acquireP50Ms / 1000] as const,
      [{ server, percentile: '99' }, stats.acquireP99Ms / 1000] as const,
    ]),
  );
  mirrored('pool_commands_total', 'Commands accepted by the pool.', ['server'], pools('commands'));
  mirrored('pool_command_errors_total', 'Commands the pool ran that failed.', ['server'], pools('errors'));
  mirrored('pool_retries_total', 'Read-only commands sent again after their connection died.', ['server'], pools('retries'));
  mirrored('pool_connections_created_total', 'Connections opened.', ['server'], pools('created'));
  mirrored('pool_connections_replaced_total', 'Connections that died or failed a health ping and were replaced.', ['server'], pools('replaced'));

  gauge('agents', 'Agents per confirmed state.', ['state'], () =>
    Object.entries(sources.stats.agentsByState()).map(([state, count]) => [{ state }, count] as const),
  );
  gauge('cache_hit_ratio', 'Lookups served from the cache, as a share of all lookups, per layer.', ['layer'], () =>
    [...sources.stats.cacheHitRates()].map(([layer, ratio]) => [{ layer }, ratio] as const),
  );
  gauge('slo_alert_level', 'Gravest SLO level raised per measure: 0 none, 1 warning, 2 critical, 3 emergency.', ['metric'], () =>
    [...sources.alertLevels()].map(([metric, level]) => [{ metric }, level] as const),
  );
  registerResourceGauges(gauge, sources);
}

type GaugeFactory = <L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Series<L>) => void;

function registerResourceGauges(gauge: GaugeFactory, sources: GaugeSources): void {
  const host = (): ResourceSnapshot['host'] | undefined => sources.resources()?.host;
  const one = (value: number | null | undefined): Series<never> => [[{}, value ?? null]];
  gauge('host_cpu_ratio', 'Host CPU busy share over the last sample interval.', [], () => one(host()?.cpuRatio));
  gauge('host_memory_bytes', 'Host memory, all of it.', [], () => one(host()?.memoryBytes));
  gauge('host_memory_free_bytes', 'Host memory available to new processes.', [], () => one(host()?.freeMemoryBytes));
  gauge('host_memory_used_ratio', 'Host memory in use, as a share of all memory.', [], () => one(host()?.memoryRatio));
  gauge('host_load_average', 'Host load average, by period.', ['period'], () => {
    const load = host()?.load;
    return load === undefined ? [] : (['1m', '5m', '15m'] as const).map((period, i) => [{ period }, load[i] ?? null] as const);
  });

  const servers = (): ResourceSnapshot['tmuxServers'] => sources.resources()?.tmuxServers ?? [];
  gauge('tmux_server_cpu_ratio', 'CPU time per wall-clock time of each tmux server process (1 = one core).', ['server'], () =>
    servers().map((server) => [{ server: server.server }, server.cpuRatio] as const),
  );
  gauge('tmux_server_resident_memory_bytes', 'Resident memory of each tmux server process.', ['server'], () =>
    servers().map((server) => [{ server: server.server }, server.rssBytes] as const),
  );

  const agents = (): ResourceSnapshot['agents'] => (sources.resources()?.agents ?? []).slice(0, sources.maxAgentSeries);
  const agentLabels = ['agent', 'kind'] as const;
  gauge('agent_cpu_ratio', 'CPU time per wall-clock time of each agent process tree (1 = one core).', agentLabels, () =>
    agents().map((agent) => [{ agent: agent.agent, kind: agent.kind }, agent.cpuRatio] as const),
  );
  gauge('agent_resident_memory_bytes', 'Resident memory of each agent process tree.', agentLabels, () =>
    agents().map((agent) => [{ agent: agent.agent, kind: agent.kind }, agent.rssBytes] as const),
  );
  gauge('agent_processes', 'Processes in each agent process tree.', agentLabels, () =>
    agents().map((agent) => [{ agent: agent.agent, kind: agent.kind }, agent.processes] as const),
  );

  const fleet = (): ResourceSnapshot['fleet'] | undefined => sources.resources()?.fleet;
  gauge('fleet_cpu_ratio', 'CPU time per wall-clock time of all agent process trees (1 = one core).', [], () => one(fleet()?.cpuRatio));
  gauge('fleet_resident_memory_bytes', 'Resident memory of all agent process trees.', [], () => one(fleet()?.rssBytes));
  gauge('fleet_processes', 'Processes in all agent process trees.', [], () => one(fleet()?.processes));
}
