import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../src/metrics/collector.js';
import type { MeasuredAgent } from '../../src/metrics/options.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import { TmuxClient } from '../../src/tmux/client.js';
import { ExecRunner } from '../../src/tmux/exec.js';
import { serverKey, type TmuxServerOptions } from '../../src/tmux/server.js';
import { PROMTOOL_AVAILABLE, promtoolCheck } from './exposition.js';

let tmux: TestServer;
let client: TmuxClient;
let agent: MeasuredAgent;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  // The pane's process, with a child of its own: a tree of (at least) two.
  const { paneId } = await client.newSession({ name: 'work', command: ['sh', '-c', 'sleep 600 & exec sleep 601'] });
  agent = { name: 'worker', kind: 'shell', paneId, server: tmux.server };
});

afterAll(async () => {
  await client?.close();
  await tmux?.kill();
});

describe('MetricsCollector with a real tmux server', () => {
  it('counts the commands a control connection runs, failures by code', async () => {
    await using metrics = new MetricsCollector({ sampleIntervalMs: false });
    for (let i = 0; i < 5; i++) await client.run(['display-message', '-p', 'ok']);
    await expect(client.run(['kill-pane', '-t', '%9999'])).rejects.toMatchObject({ code: 'ERR_TMUX_COMMAND' });
    const { tmux: figures } = metrics.snapshot();
    expect(figures.byCommand['display-message']).toMatchObject({ count: 5, errors: 0 });
    expect(figures.byCommand['display-message']?.p50Ms).toBeGreaterThan(0);
    expect(figures.byCommand['kill-pane']).toMatchObject({ count: 1, errors: 1 });
    expect(figures.errorsByCode).toEqual({ ERR_TMUX_COMMAND: 1 });
    expect(await metrics.prometheus()).toContain('tmux_orchestrator_tmux_commands_total{command="display-message"} 5\n');
  });

  it('measures the tmux server process and the agent process tree', async () => {
    await using metrics = new MetricsCollector({ sampleIntervalMs: false, agents: () => [agent], clients: () => client });
    const serverPid = Number(await client.displayMessage('#{pid}'));
    const [pane] = await client.listPanes(agent.paneId);
    // Wait until the pane's shell has started its child and become `sleep` itself.
    const first = await retryUntil(
      async () => {
        const sample = await metrics.sample();
        return (sample.agents[0]?.processes ?? 0) >= 2 ? sample : undefined;
      },
      { timeoutMs: 10_000, description: 'the pane process and its child' },
    );
    expect(first.tmuxServers).toHaveLength(1);
    expect(first.tmuxServers[0]).toMatchObject({ server: serverKey(tmux.server), pid: serverPid });
    expect(first.tmuxServers[0]?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(first.agents).toHaveLength(1);
    expect(first.agents[0]).toMatchObject({ agent: 'worker', kind: 'shell', paneId: agent.paneId, server: serverKey(tmux.server), pid: pane?.pid, processes: 2 });
    expect(first.agents[0]?.rssBytes).toBeGreaterThan(2 * 100 * 1024);
    expect(first.fleet).toMatchObject({ processes: 2, rssBytes: first.agents[0]?.rssBytes });
    // A later sample has a CPU share (sleeping processes: close to zero).
    const second = await metrics.sample();
    expect(second.agents[0]?.cpuRatio).toBeGreaterThanOrEqual(0);
    expect(second.agents[0]?.cpuRatio).toBeLessThan(0.5);
    expect(second.tmuxServers[0]?.cpuRatio).toBeGreaterThanOrEqual(0);

    const text = await metrics.prometheus();
    expect(text).toContain('tmux_orchestrator_agent_processes{agent="worker",kind="shell"} 2\n');
    expect(text).toContain(`tmux_orchestrator_tmux_server_resident_memory_bytes{server="${serverKey(tmux.server)}"} `);
    expect(text).toContain('tmux_orchestrator_fleet_processes 2\n');
    if (PROMTOOL_AVAILABLE) expect(await promtoolCheck(text)).toEqual({ exitCode: 0, output: '' });
  });

  it('keeps per-agent series within maxAgentSeries, fleet totals whole', async () => {
    await using metrics = new MetricsCollector({ sampleIntervalMs: false, maxAgentSeries: 0, agents: () => [agent], clients: () => client });
    const sample = await metrics.sample();
    const text = await metrics.prometheus();
    expect(text).not.toContain('agent="worker"');
    expect(text).toContain(`tmux_orchestrator_fleet_resident_memory_bytes ${sample.fleet.rssBytes}\n`);
    expect(metrics.snapshot().resources?.agents).toHaveLength(1);
  });

  it('reports a server it cannot reach and samples the others', async () => {
    const missing: TmuxServerOptions = { socketPath: join(tmux.directory, 'missing.sock') };
    await using metrics = new MetricsCollector({
      sampleIntervalMs: false,
      agents: () => [agent],
      servers: () => [missing],
      clients: (server) => (server.socketPath === tmux.socketPath ? client : new TmuxClient(new ExecRunner(server))),
    });
    const errors: Error[] = [];
    metrics.on('error', (error) => errors.push(error));
    const sample = await metrics.sample();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_TMUX_SERVER_NOT_RUNNING' });
    expect(sample.tmuxServers.map((server) => server.server)).toEqual([serverKey(tmux.server)]);
    expect(sample.agents.map((measured) => measured.agent)).toEqual(['worker']);
  });
});
