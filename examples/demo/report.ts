/**
 * The demo's closing report: how each scenario went, a few figures from
 * `orc.metrics.snapshot()`, and an excerpt of the Prometheus exposition.
 *
 * @module
 */
import type { MetricsSnapshot, ResourceSnapshot } from '../../src/index.js';
import type { ScenarioResult } from './scenarios/context.js';
import { formatMs } from './view.js';

/** Prometheus series shown (the exposition has many more). */
const PROMETHEUS_PATTERN = /^tmux_orchestrator_(health_cycles_total|deliveries_total|scheduler_jobs_total|recoveries_total|fleet_resident_memory_bytes)[ {]/u;
/** Prometheus lines shown at most. */
const PROMETHEUS_LINES = 8;

/** `✓ name  detail` per scenario. */
export function formatResults(results: readonly ScenarioResult[]): string[] {
  const width = Math.max(0, ...results.map((result) => result.name.length));
  return results.map((result) => `  ${result.ok ? '✓' : '✗'} ${result.name.padEnd(width)}  ${result.detail}`);
}

/** A few lines of figures from a metrics snapshot. */
export function formatMetrics(snapshot: MetricsSnapshot): string[] {
  const { health, delivery, scheduler, tmux } = snapshot;
  const ms = (value: number | null): string => (value === null ? '-' : formatMs(value));
  const agents = Object.entries(snapshot.agents)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  const recovery = Object.entries(snapshot.recovery)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
  const resources = snapshot.resources === null ? null : resourceLine(snapshot.resources);
  const errorRate = tmux.errorRate === null ? '-' : `${(tmux.errorRate * 100).toFixed(1)}%`;
  return [
    `  monitor    ${health.cycles.count} cycles (p50 ${ms(health.cycles.p50Ms)}, p95 ${ms(health.cycles.p95Ms)}), ${health.captures} captures, ${health.errors} errors`,
    `  delivery   ${delivery.deliveries.count} messages (p50 ${ms(delivery.deliveries.p50Ms)}, p95 ${ms(delivery.deliveries.p95Ms)}), ${delivery.failed} failed, ${delivery.attempts} Enter presses`,
    `  scheduler  ${scheduler.fired} fired, ${scheduler.missed} missed, ${scheduler.failed} failed (lag p50 ${ms(scheduler.lag.p50Ms)})`,
    `  recovery   ${recovery === '' ? 'none' : recovery}`,
    `  tmux       ${tmux.commands.count} commands (p50 ${ms(tmux.commands.p50Ms)}, p95 ${ms(tmux.commands.p95Ms)}), error rate ${errorRate}`,
    `  agents     ${agents === '' ? 'none' : agents}`,
    ...(resources === null ? [] : [`  resources  ${resources}`]),
  ];
}

function resourceLine(resources: ResourceSnapshot): string {
  const mb = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;
  const servers = resources.tmuxServers.reduce((sum, server) => sum + server.rssBytes, 0);
  return `${resources.fleet.processes} agent processes use ${mb(resources.fleet.rssBytes)}, the tmux server ${mb(servers)}`;
}

/** A few of the exposition's series: cycles, deliveries, scheduler runs, recovery actions, fleet memory. */
export function prometheusExcerpt(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((line) => PROMETHEUS_PATTERN.test(line))
    .slice(0, PROMETHEUS_LINES)
    .map((line) => `  ${line}`);
}
