import { hasSubscribers } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, publish, type HealthCycleMessage } from '../../src/diagnostics.js';
import type { AlertEvent } from '../../src/metrics/alerts.js';
import { MetricsCollector } from '../../src/metrics/collector.js';
import type { MetricsCollectorOptions } from '../../src/metrics/options.js';
import type { PoolGroupStats } from '../../src/pool/group.js';
import { retryUntil } from '../../src/testing/retry.js';
import { PROMTOOL_AVAILABLE, promtoolCheck } from './exposition.js';

const collectors: MetricsCollector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
});

function collector(options: MetricsCollectorOptions = {}): MetricsCollector {
  const made = new MetricsCollector({ sampleIntervalMs: false, ...options });
  collectors.push(made);
  return made;
}

const command = (name: string, durationMs: number, errorCode?: string): void =>
  publish(DIAGNOSTICS_CHANNELS.tmuxCommand, () => ({ command: name, durationMs, ok: errorCode === undefined, ...(errorCode === undefined ? {} : { errorCode }) }));
const cycle = (n: number, durationMs: number, states: HealthCycleMessage['states'] = {}): void =>
  publish(DIAGNOSTICS_CHANNELS.healthCycle, () => ({ cycle: n, durationMs, mode: 'poll', agents: 3, captures: 2, errors: 1, states }));

const POOLS: PoolGroupStats = {
  servers: {
    'tmux -L a': { connections: 2, inUse: 1, pending: 3, waiting: 1, commands: 40, errors: 2, retries: 1, created: 3, replaced: 1, acquireP50Ms: 0.5, acquireP99Ms: 4 },
    'tmux -L b': { connections: 1, inUse: 0, pending: 0, waiting: 0, commands: 0, errors: 0, retries: 0, created: 1, replaced: 0, acquireP50Ms: Number.NaN, acquireP99Ms: Number.NaN },
  },
  total: { connections: 3, inUse: 1, pending: 3, waiting: 1, commands: 40, errors: 2, retries: 1, created: 4, replaced: 1, acquireP50Ms: 0.5, acquireP99Ms: 4 },
};

/** Feeds one message of every kind, and a few more. */
function feedEverything(): void {
  for (let i = 1; i <= 10; i++) command('capture-pane', i);
  command('send-keys', 2, 'ERR_TMUX_COMMAND');
  command('send-keys', 4, 'ERR_COMMAND_TIMEOUT');
  for (const event of ['hit', 'hit', 'hit', 'miss', 'dedupe', 'eviction'] as const) publish(DIAGNOSTICS_CHANNELS.cache, () => ({ layer: 'pane_content', event, count: 1 }));
  publish(DIAGNOSTICS_CHANNELS.cache, () => ({ layer: 'pane_content', event: 'invalidation', count: 5 }));
  cycle(1, 30, { idle: 2, working: 1 });
  cycle(2, 10, { idle: 1, working: 2 });
  publish(DIAGNOSTICS_CHANNELS.agentState, () => ({ agent: 'eng-1', kind: 'claude-code', from: 'working', to: 'waiting' }));
  publish(DIAGNOSTICS_CHANNELS.delivery, () => ({ agent: 'eng-1', ok: true, durationMs: 800, attempts: 1 }));
  publish(DIAGNOSTICS_CHANNELS.delivery, () => ({ agent: 'eng-2', ok: false, durationMs: 3000, attempts: 3, errorCode: 'ERR_DELIVERY_FAILED' }));
  publish(DIAGNOSTICS_CHANNELS.scheduler, () => ({ event: 'fired', jobId: 'a', lagMs: 20 }));
  publish(DIAGNOSTICS_CHANNELS.scheduler, () => ({ event: 'missed', jobId: 'b', lagMs: 60_000 }));
  publish(DIAGNOSTICS_CHANNELS.scheduler, () => ({ event: 'failed', jobId: 'c', lagMs: 40 }));
  publish(DIAGNOSTICS_CHANNELS.recovery, () => ({ agent: 'eng-2', strategy: 'restart', trigger: 'exited', outcome: 'restarted' }));
}

describe('MetricsCollector snapshot', () => {
  it('counts what the channels report, as plain JSON', () => {
    const metrics = collector({ pools: () => POOLS });
    feedEverything();
    const snapshot = metrics.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.tmux).toEqual({
      commands: { count: 12, errors: 2, p50Ms: 4, p95Ms: 10, p99Ms: 10 },
      errorRate: 2 / 12,
      byCommand: {
        'capture-pane': { count: 10, errors: 0, p50Ms: 5, p95Ms: 10, p99Ms: 10 },
        'send-keys': { count: 2, errors: 2, p50Ms: 2, p95Ms: 4, p99Ms: 4 },
      },
      errorsByCode: { ERR_TMUX_COMMAND: 1, ERR_COMMAND_TIMEOUT: 1 },
    });
    expect(snapshot.cache).toEqual({ pane_content: { hits: 3, misses: 1, dedupes: 1, evictions: 1, invalidations: 5, hitRate: 0.6 } });
    expect(snapshot.health).toEqual({
      cycles: { count: 2, p50Ms: 10, p95Ms: 30, p99Ms: 30 },
      captures: 4,
      errors: 2,
      last: { cycle: 2, durationMs: 10, mode: 'poll', agents: 3, at: expect.any(Number) },
    });
    // The second cycle's counts, then one agent moved from working to waiting.
    expect(snapshot.agents).toEqual({ starting: 0, idle: 1, working: 1, waiting: 1, 'rate-limited': 0, errored: 0, exited: 0, unknown: 0 });
    expect(snapshot.delivery).toEqual({
      deliveries: { count: 2, p50Ms: 800, p95Ms: 3000, p99Ms: 3000 },
      failed: 1,
      failureRate: 0.5,
      attempts: 4,
      errorsByCode: { ERR_DELIVERY_FAILED: 1 },
    });
    expect(snapshot.scheduler).toEqual({ fired: 1, missed: 1, failed: 1, lag: { count: 2, p50Ms: 20, p95Ms: 40, p99Ms: 40 } });
    expect(snapshot.recovery).toEqual({ 'restart:restarted': 1 });
    expect(snapshot.pools['tmux -L a']).toEqual(POOLS.servers['tmux -L a']);
    expect(snapshot.pools['tmux -L b']).toMatchObject({ connections: 1, acquireP50Ms: null, acquireP99Ms: null });
    expect(snapshot.resources).toBeNull();
    // 1 of 11, then 2 of 12 commands failed: twice (the dwell) at or above 5%.
    expect(snapshot.alerts).toEqual([{ metric: 'errorRate', level: 'warning', threshold: 0.05, value: 2 / 12, since: expect.any(Number) }]);
  });

  it('computes percentiles and rates over the last `window` samples only', () => {
    const metrics = collector({ window: 4 });
    for (const duration of [1000, 1000, 1000, 1, 2, 3, 4]) command('list-panes', duration, duration === 1000 ? 'ERR_COMMAND_TIMEOUT' : undefined);
    const { commands, errorRate } = metrics.snapshot().tmux;
    expect(commands).toEqual({ count: 7, errors: 3, p50Ms: 2, p95Ms: 4, p99Ms: 4 });
    expect(errorRate).toBe(0);
  });

  it('keeps 64 command names and counts the rest under `other`', async () => {
    const metrics = collector();
    for (let i = 0; i < 70; i++) command(`cmd-${i}`, 1);
    const { byCommand } = metrics.snapshot().tmux;
    expect(Object.keys(byCommand)).toHaveLength(65);
    expect(byCommand.other?.count).toBe(6);
    expect(await metrics.prometheus()).toContain('tmux_orchestrator_tmux_commands_total{command="other"} 6\n');
  });

  it('stops counting once closed, and two collectors do not share or leak subscriptions', async () => {
    const first = collector();
    const second = collector();
    command('a', 1);
    await first.close();
    await first.close(); // idempotent
    expect(first.closed).toBe(true);
    command('a', 1);
    expect(first.snapshot().tmux.commands.count).toBe(1);
    expect(second.snapshot().tmux.commands.count).toBe(2);
    await second.close();
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) expect(hasSubscribers(name), name).toBe(false);
  });
});

describe('MetricsCollector Prometheus output', () => {
  async function fullText(): Promise<string> {
    const metrics = collector({
      pools: () => POOLS,
      // Memory is always above this threshold: one raised level to export.
      slo: { memory: { warning: 0.000_001 } },
      hysteresis: { dwell: 1 },
    });
    feedEverything();
    await metrics.sample();
    return metrics.prometheus();
  }

  it('names and labels its series by the conventions', async () => {
    const text = await fullText();
    for (const line of [
      'tmux_orchestrator_tmux_commands_total{command="capture-pane"} 10',
      'tmux_orchestrator_tmux_command_errors_total{command="send-keys",code="ERR_COMMAND_TIMEOUT"} 1',
      'tmux_orchestrator_tmux_command_duration_seconds_bucket{le="0.005",command="capture-pane"} 5',
      'tmux_orchestrator_tmux_command_duration_seconds_sum{command="capture-pane"} 0.055',
      'tmux_orchestrator_cache_events_total{layer="pane_content",event="invalidation"} 5',
      'tmux_orchestrator_cache_hit_ratio{layer="pane_content"} 0.6',
      'tmux_orchestrator_health_cycles_total 2',
      'tmux_orchestrator_health_cycle_duration_seconds_count 2',
      'tmux_orchestrator_agents{state="waiting"} 1',
      'tmux_orchestrator_agent_state_changes_total{from="working",to="waiting"} 1',
      'tmux_orchestrator_deliveries_total{outcome="failed"} 1',
      'tmux_orchestrator_delivery_errors_total{code="ERR_DELIVERY_FAILED"} 1',
      'tmux_orchestrator_delivery_attempts_sum 4',
      'tmux_orchestrator_scheduler_jobs_total{event="missed"} 1',
      'tmux_orchestrator_scheduler_lag_seconds_count 2',
      'tmux_orchestrator_recoveries_total{strategy="restart",outcome="restarted"} 1',
      'tmux_orchestrator_pool_connections{server="tmux -L a"} 2',
      'tmux_orchestrator_pool_acquire_seconds{server="tmux -L a",percentile="99"} 0.004',
      'tmux_orchestrator_pool_commands_total{server="tmux -L a"} 40',
      'tmux_orchestrator_slo_alert_level{metric="memory"} 1',
      'tmux_orchestrator_slo_alerts_total{metric="memory",level="warning"} 1',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    // No acquire percentiles for a pool that has none yet (NaN is left out, not exported).
    expect(text).not.toContain('server="tmux -L b",percentile');
    expect(text).toMatch(/^tmux_orchestrator_host_memory_bytes \d+$/mu);
    expect(text).toMatch(/^tmux_orchestrator_host_load_average\{period="15m"\} [\d.]+$/mu);
  });

  it('passes promtool check metrics (syntax and naming lint)', async (context) => {
    if (!PROMTOOL_AVAILABLE) return context.skip('promtool is not installed (Debian: apt-get install -y prometheus)');
    const text = await fullText();
    expect(await promtoolCheck(text)).toEqual({ exitCode: 0, output: '' });
    // The check can fail: a broken line and a misnamed counter are caught.
    expect((await promtoolCheck(`${text}tmux_orchestrator_broken{a="b" 1\n`)).exitCode).not.toBe(0);
    const misnamed = await promtoolCheck('# HELP tmux_orchestrator_x x\n# TYPE tmux_orchestrator_x counter\ntmux_orchestrator_x 1\n');
    expect(misnamed.output).toContain('counter metrics should have "_total" suffix');
  });

  it('uses the prefix given', async () => {
    const metrics = collector({ prefix: 'fleet_' });
    command('a', 1);
    const text = await metrics.prometheus();
    expect(text).toContain('fleet_tmux_commands_total{command="a"} 1\n');
    expect(text).not.toContain('tmux_orchestrator_');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/u);
  });
});

describe('MetricsCollector alerts', () => {
  it('raises cycle p95 once when it crosses the threshold and clears it once it falls back', () => {
    const metrics = collector({ window: 10, slo: { cycleP95Ms: { warning: 100, critical: 400 } }, hysteresis: { minSamples: 5, dwell: 2, margin: 0.2 } });
    const alerts: AlertEvent[] = [];
    metrics.on('alert', (event) => alerts.push(event));
    let n = 0;
    for (let i = 0; i < 10; i++) cycle(++n, 20);
    expect(alerts).toEqual([]);
    // Load: slow cycles push p95 of the last 10 past 100 ms (but never past 400).
    for (let i = 0; i < 10; i++) cycle(++n, 150);
    expect(alerts.map((a) => `${a.metric} ${a.level} ${a.state}`)).toEqual(['cycleP95Ms warning raised']);
    expect(alerts[0]).toMatchObject({ value: 150, threshold: 100 });
    expect(metrics.snapshot().alerts).toEqual([{ metric: 'cycleP95Ms', level: 'warning', threshold: 100, value: 150, since: expect.any(Number) }]);
    // p95 hovering at 90 ms: below the threshold but within the 20% margin, so still raised.
    for (let i = 0; i < 10; i++) cycle(++n, 90);
    expect(alerts).toHaveLength(1);
    // Back to fast cycles: cleared once.
    for (let i = 0; i < 20; i++) cycle(++n, 20);
    expect(alerts.map((a) => `${a.metric} ${a.level} ${a.state}`)).toEqual(['cycleP95Ms warning raised', 'cycleP95Ms warning cleared']);
    expect(alerts[1]).toMatchObject({ value: 20, threshold: 100 });
    expect(metrics.snapshot().alerts).toEqual([]);
  });

  it('waits for `minSamples` before judging a rate, then alerts on tmux errors and failed deliveries', () => {
    const metrics = collector({ hysteresis: { minSamples: 4, dwell: 1 } });
    const alerts: string[] = [];
    metrics.on('alert', (a) => alerts.push(`${a.metric} ${a.level} ${a.state}`));
    for (let i = 0; i < 3; i++) command('x', 1, 'ERR_TMUX_COMMAND');
    expect(alerts).toEqual([]);
    command('x', 1, 'ERR_TMUX_COMMAND');
    expect(alerts).toEqual(['errorRate warning raised', 'errorRate critical raised', 'errorRate emergency raised']);
    const delivery = (ok: boolean): void =>
      publish(DIAGNOSTICS_CHANNELS.delivery, () => ({ agent: 'a', ok, durationMs: 1, attempts: 1, ...(ok ? {} : { errorCode: 'ERR_DELIVERY_FAILED' }) }));
    for (const ok of [true, true, true, false]) delivery(ok); // 25%: critical
    expect(alerts.slice(3)).toEqual(['deliveryFailureRate warning raised', 'deliveryFailureRate critical raised']);
  });

  it('evaluates cpu and memory on each resource sample', async () => {
    const metrics = collector({ slo: { memory: { critical: 0.000_001 } }, hysteresis: { dwell: 1 } });
    const alerts: AlertEvent[] = [];
    metrics.on('alert', (event) => alerts.push(event));
    const resources = await metrics.sample();
    expect(alerts).toEqual([{ metric: 'memory', level: 'critical', value: resources.host.memoryRatio, threshold: 0.000_001, state: 'raised', at: expect.any(Number) }]);
  });
});

describe('MetricsCollector sampling', () => {
  it('samples on its timer and emits each sample', async () => {
    const metrics = collector({ sampleIntervalMs: 20 });
    const samples: number[] = [];
    metrics.on('sample', (resources) => samples.push(resources.at));
    await retryUntil(() => samples.length >= 2, { timeoutMs: 5_000, description: 'two timed samples' });
    expect(metrics.snapshot().resources?.at).toBe(samples.at(-1));
    await metrics.close();
    const count = samples.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(samples).toHaveLength(count);
  });

  it('reports a timed sample that fails as a whole on `error`', async () => {
    const metrics = collector({
      sampleIntervalMs: 20,
      agents: () => {
        throw new Error('no fleet');
      },
    });
    const errors: Error[] = [];
    metrics.on('error', (error) => errors.push(error));
    await retryUntil(() => errors.length > 0, { timeoutMs: 5_000, description: 'the error event' });
    expect(errors[0]?.message).toBe('no fleet');
    expect(metrics.snapshot().resources).toBeNull();
  });

  it('shares a sample under way between callers', async () => {
    const metrics = collector();
    const [a, b] = await Promise.all([metrics.sample(), metrics.sample()]);
    expect(a).toBe(b);
    expect(await metrics.sample()).not.toBe(a);
  });
});

describe('MetricsCollector.serve', () => {
  it('serves /metrics on loopback, 404 elsewhere, 405 for other methods', async () => {
    const metrics = collector();
    command('a', 1);
    const server = await metrics.serve({ port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/u);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.contentType);
    expect(await response.text()).toBe(await metrics.prometheus());
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(new URL('/', server.url))).status).toBe(404);
    expect((await fetch(new URL('/metrics/x', server.url))).status).toBe(404);
    const post = await fetch(server.url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await server.close();
    await server.close(); // idempotent
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('fails with ERR_METRICS_SERVER when the port is taken, and validates its options', async () => {
    const metrics = collector();
    const server = await metrics.serve({ port: 0 });
    const port = Number(new URL(server.url).port);
    await expect(metrics.serve({ port })).rejects.toMatchObject({ name: 'MetricsServerError', code: 'ERR_METRICS_SERVER', address: `127.0.0.1:${port}` });
    await expect(metrics.serve({ port: 70_000 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(metrics.serve({ port: 0, host: '' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });

  it('closes its endpoints with the collector and serves nothing once closed', async () => {
    const metrics = collector();
    const server = await metrics.serve({ port: 0 });
    expect((await fetch(server.url)).status).toBe(200);
    const closed = new Promise<void>((resolve) => metrics.once('close', resolve));
    await metrics.close();
    await closed;
    await expect(fetch(server.url)).rejects.toThrow();
    await expect(metrics.serve({ port: 0 })).rejects.toMatchObject({ code: 'ERR_METRICS_SERVER' });
  });
});
