import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from '../../../src/agents/agent.js';
import { StateTracker } from '../../../src/agents/state-tracker.js';
import { HealthChecker } from '../../../src/health/checker.js';
import type { MonitoredAgent } from '../../../src/health/monitored-agent.js';
import type { RecoveryActionEvent, RecoveryGaveUpEvent } from '../../../src/health/recovery/events.js';
import { RecoveryManager } from '../../../src/health/recovery/manager.js';
import { Orchestrator } from '../../../src/orchestrator.js';
import { lightAgentCommand, LIGHT_AGENT_PROCESS_NAME } from '../../../src/testing/fake-agent/light.js';
import { createTestServer, retryUntil, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { QUIET_ORCHESTRATOR } from '../support/fleet.js';

const AGENTS = 200;
const KILLED = 10;

let tmux: TestServer;
let client: TmuxClient;
let orc: Orchestrator;
let checker: HealthChecker;
let recovery: RecoveryManager;

/** The fleet as a health checker sees it: each agent with its kind's detector and a state tracker of its own. */
function monitored(agents: readonly Agent[]): () => MonitoredAgent[] {
  const entries = agents.map((agent): MonitoredAgent => {
    const tracker = new StateTracker();
    return {
      agent,
      detector: orc.registry.get('detector', agent.kind)(),
      client,
      record: (detection, facts, at) => {
        tracker.observe(detection, at, facts);
        return { state: tracker.current, since: tracker.since ?? at, detection };
      },
    };
  });
  return () => entries.filter(({ agent }) => orc.get(agent.name) === agent);
}

async function panes(): Promise<Map<string, { pid: number; dead: boolean; currentCommand: string }>> {
  return new Map((await client.listPanes()).map((pane) => [pane.id, pane]));
}

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  orc = await Orchestrator.start({ servers: [tmux.server], ...QUIET_ORCHESTRATOR });
}, 60_000);

afterAll(async () => {
  await recovery?.close();
  await checker?.close();
  await orc?.close();
  await client?.close();
  await tmux?.kill();
}, 30_000);

it(`sees ${KILLED} of ${AGENTS} agents killed with SIGKILL exit within 2 cycles and restarts them; a crash loop stops at its cap`, async () => {
  const fleet: Agent[] = [];
  for (let start = 0; start < AGENTS; start += 20) {
    const batch = Array.from({ length: Math.min(20, AGENTS - start) }, (_, i) => {
      const name = `agent-${start + i}`;
      return orc.spawn({ name, kind: 'claude-code', command: lightAgentCommand({ name }), session: `fleet-${(start + i) % 10}` });
    });
    fleet.push(...(await Promise.all(batch)));
  }
  const crasher = await orc.spawn({ name: 'crasher', kind: 'claude-code', command: ['sh', '-c', 'exit 3'], session: 'crash' });

  checker = new HealthChecker({ agents: monitored([...fleet, crasher]), registry: orc.registry });
  recovery = new RecoveryManager({
    source: checker,
    fleet: orc,
    agents: { crasher: { exited: { strategy: 'restart', options: { initialDelayMs: 20, maxRestarts: 3, windowMs: 60_000 } } } },
  });
  const actions: RecoveryActionEvent[] = [];
  const gaveUp: RecoveryGaveUpEvent[] = [];
  const exited: string[] = [];
  recovery.on('recovery', (event) => actions.push(event));
  recovery.on('recovery:gave-up', (event) => gaveUp.push(event));
  const failures: Error[] = [];
  recovery.on('recovery:failed', ({ error }) => failures.push(error));
  checker.on('agent:exited', ({ agent }) => exited.push(agent.name));

  // Every light agent idle first.
  await retryUntil(
    async () => {
      const report = await checker.check();
      return report.agents.filter((line) => line.state === 'idle').length === AGENTS;
    },
    { timeoutMs: 60_000, intervalMs: 50, description: 'the fleet to be idle' },
  );

  const victims = Array.from({ length: KILLED }, (_, i) => fleet[i * (AGENTS / KILLED) + 3] as Agent);
  const before = await panes();
  const killedAt = performance.now();
  for (const victim of victims) process.kill(before.get(victim.paneId)?.pid as number, 'SIGKILL');
  // The kills land (tmux marks the panes dead) before the cycles are counted.
  await retryUntil(async () => {
    const now = await panes();
    return victims.every((victim) => now.get(victim.paneId)?.dead === true);
  });

  const victimNames = new Set(victims.map((victim) => victim.name));
  const cyclesToSee: number[] = [];
  for (let cycle = 1; cycle <= 2 && exited.filter((name) => victimNames.has(name)).length < KILLED; cycle++) {
    await checker.check();
    cyclesToSee.push(exited.filter((name) => victimNames.has(name)).length);
  }
  expect(cyclesToSee.at(-1)).toBe(KILLED);
  expect(exited.filter((name) => name !== 'crasher').sort()).toEqual([...victimNames].sort());

  // Restarted by the default recovery (1 s backoff), back in their panes running their command, then idle again.
  checker.start();
  await retryUntil(
    async () => {
      const now = await panes();
      return victims.every((victim) => {
        const pane = now.get(victim.paneId);
        return pane !== undefined && !pane.dead && pane.pid !== before.get(victim.paneId)?.pid && pane.currentCommand === LIGHT_AGENT_PROCESS_NAME;
      });
    },
    { timeoutMs: 30_000, description: 'the killed agents to run again' },
  );
  const runningAt = performance.now();
  await retryUntil(() => victims.every((victim) => checker.report(victim.name)?.state === 'idle'), { timeoutMs: 30_000 });
  const idleAt = performance.now();
  const restarted = actions.filter((event) => event.action.outcome === 'restarted' && event.agent !== crasher);
  expect(restarted.map((event) => event.agent.name).sort()).toEqual([...victimNames].sort());
  expect(restarted.every((event) => event.strategy === 'restart' && event.trigger === 'exited' && event.attempt === 1)).toBe(true);

  // The crash loop: three restarts, then `recovery:gave-up`, and nothing more.
  await retryUntil(() => gaveUp.length > 0, { timeoutMs: 30_000, description: 'the crash loop to be given up' });
  expect(gaveUp).toEqual([{ agent: crasher, trigger: 'exited', strategy: 'restart', restarts: 3, windowMs: 60_000, detail: 'crash loop: 3 restarts within 60000 ms' }]);
  const crasherActions = actions.filter((event) => event.agent === crasher).map((event) => `${event.attempt}:${event.action.outcome}`);
  expect(crasherActions).toEqual(['1:scheduled', '1:restarted', '2:scheduled', '2:restarted', '3:scheduled', '3:restarted', '4:gave-up']);
  const cycles = (await checker.check()).cycle;
  await retryUntil(async () => (await checker.check()).cycle >= cycles + 3);
  expect(actions.filter((event) => event.agent === crasher)).toHaveLength(7);
  expect((await panes()).get(crasher.paneId)?.dead).toBe(true);
  expect(failures).toEqual([]);
  console.log(
    `${KILLED} of ${AGENTS} killed: all seen exited after ${cyclesToSee.length} cycle(s) (${cyclesToSee.join(' then ')} seen); ` +
      `running again ${((runningAt - killedAt) / 1000).toFixed(1)} s after the kill (1 s backoff included), ` +
      `idle again after ${((idleAt - killedAt) / 1000).toFixed(1)} s; crash loop given up after ${gaveUp[0]?.restarts ?? 0} restarts`,
  );
}, 240_000);
