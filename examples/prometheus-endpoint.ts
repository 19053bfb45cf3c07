/**
 * Prometheus endpoint: an orchestrator with one agent on a private tmux
 * server, a `MetricsCollector` serving `/metrics` on loopback (on a free
 * port), scraped once, a few lines printed.
 *
 *   node --import tsx examples/prometheus-endpoint.ts
 *
 * Nothing to configure; everything is removed at the end, on error and on
 * Ctrl-C.
 *
 * @module
 */
import { Orchestrator, TmuxClient } from '../src/index.js';
import { MetricsCollector } from '../src/metrics/collector.js';
import { createTestServer } from '../src/testing/index.js';
import { runExample } from './support/run.js';

const tmux = await createTestServer();
let client: TmuxClient | undefined;
let orc: Orchestrator | undefined;
let metrics: MetricsCollector | undefined;
await runExample(
  main,
  async () => {
    await metrics?.close();
    await client?.close();
    await orc?.close();
    await tmux.kill();
  },
);

async function main(): Promise<void> {
  // The collector subscribes first, so it sees every tmux command from here on.
  client = await tmux.connect();
  const measured = client;
  metrics = new MetricsCollector({ agents: () => orc?.agents ?? [], clients: () => measured });
  orc = await Orchestrator.start({ servers: [tmux.server] });
  const agent = await orc.spawn({ name: 'shell-1', kind: 'shell', command: ['sh'], cwd: tmux.directory });
  await agent.capture(); // one more command to count
  await metrics.sample();

  const server = await metrics.serve({ port: 0 });
  console.log(`serving ${server.url}\n`);
  const response = await fetch(server.url);
  const text = await response.text();
  console.log(`GET /metrics: ${response.status} ${response.headers.get('content-type') ?? ''}, ${text.split('\n').length} lines`);
  const shown = /^tmux_orchestrator_(tmux_commands_total|agent_processes|agent_resident_memory_bytes|tmux_server_resident_memory_bytes|host_memory_used_ratio)\b/u;
  for (const line of text.split('\n').filter((line) => shown.test(line))) console.log(`  ${line}`);
  if (response.status !== 200 || !text.includes('tmux_orchestrator_agent_processes{agent="shell-1",kind="shell"}')) {
    throw new Error('the scrape did not show the agent');
  }
}
