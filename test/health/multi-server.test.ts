import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { HealthChecker } from '../../src/health/checker.js';
import type { MonitoredAgent } from '../../src/health/monitored-agent.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { lightAgentCommand } from '../../src/testing/fake-agent/light.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import type { TmuxClient } from '../../src/tmux/client.js';
import { monitoredAgent, QUIET_ORCHESTRATOR } from './support/fleet.js';

let servers: TestServer[];
let clients: TmuxClient[];
let orc: Orchestrator;

beforeAll(async () => {
  servers = [await createTestServer(), await createTestServer()];
  clients = await Promise.all(servers.map((server) => server.connect()));
  orc = await Orchestrator.start({ servers: servers.map((server) => server.server), ...QUIET_ORCHESTRATOR });
});

afterAll(async () => {
  await orc?.close();
  await Promise.all((clients ?? []).map((client) => client.close()));
  await Promise.all((servers ?? []).map((server) => server.kill()));
});

it('keeps apart panes with the same id on different servers', async () => {
  // The same pane ids on both servers: one agent printing, one idle, on each.
  const agents: Agent[] = [];
  for (const [s, client] of clients.entries()) {
    for (const active of s === 0 ? [true, false] : [false, true]) {
      const name = `s${s}-${active ? 'active' : 'idle'}`;
      const { paneId } = await client.newSession({ name, command: lightAgentCommand({ name, active, intervalMs: 50 }) });
      agents.push(await orc.adopt(paneId, { name, kind: 'claude-code', server: servers[s]?.server }));
    }
  }
  expect(agents.map((agent) => agent.paneId).slice(0, 2)).toEqual(agents.map((agent) => agent.paneId).slice(2));
  const detector = orc.registry.get('detector', 'claude-code')();
  const monitored: MonitoredAgent[] = agents.map((agent, i) => monitoredAgent(agent, detector, clients[i < 2 ? 0 : 1] as TmuxClient));
  await using health = new HealthChecker({ agents: () => monitored, registry: orc.registry });

  const report = await retryUntil(
    async () => {
      const cycle = await health.check();
      return cycle.agents.every((line) => line.state === (line.agent.endsWith('active') ? 'working' : 'idle')) && cycle.captures === 2 ? cycle : undefined;
    },
    // Cycles 100 ms apart: both active agents (a line every 50 ms) print between two cycles.
    { timeoutMs: 10_000, intervalMs: 100, description: 'only the two active agents to be captured' },
  );
  expect(report.servers).toBe(2);
  expect(report.agents.filter((line) => line.captured).map((line) => line.agent).sort()).toEqual(['s0-active', 's1-active']);
  // The screens the cycle read (the active agents have printed since).
  for (const agent of agents) expect(health.screen(agent)?.join('\n')).toContain(agent.name);
});
