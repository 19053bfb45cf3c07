/**
 * Run as its own process by discover.test.ts: starts an orchestrator on the
 * server given in argv, spawns the agents given, prints `ready`, and waits to
 * be killed.
 *
 * Usage: node --import tsx spawn-fleet.ts SOCKET_PATH '[{"name":…,"kind":…}]'
 */
import type { AgentKind } from '../../../src/agents/strategy-kinds.js';
import { Orchestrator } from '../../../src/orchestrator.js';

const [socketPath, agentsJson] = process.argv.slice(2);
if (socketPath === undefined || agentsJson === undefined) throw new Error('usage: spawn-fleet.ts SOCKET_PATH AGENTS_JSON');
const agents = JSON.parse(agentsJson) as { name: string; kind: AgentKind; session: string }[];
const orc = await Orchestrator.start({ servers: [{ socketPath }], startServer: false });
for (const agent of agents) {
  await orc.spawn({ ...agent, command: ['bash', '--norc', '--noprofile'] });
}
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
