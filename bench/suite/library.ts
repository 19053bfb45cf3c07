/**
 * This library's methods, through the public API: an `Orchestrator` over the
 * fleet's servers adopts every pane as a `claude-code` agent, and each timed
 * cycle is `orc.health.check()`: one `list-panes` per server for process
 * facts, captures, the detector on every screen, servers in parallel.
 *
 * - (d) poll mode: every agent's screen captured fresh each cycle;
 * - (e) events mode: only the panes that wrote output since their last
 *   capture (the active tenth of the fleet) are captured; the others come
 *   from the cache, kept honest by a hidden control client per server.
 *
 * @module
 */
import { Orchestrator, type Agent } from '../../src/index.js';
import { paneKey, timeCycles, type AgentFleet, type Captures, type Method } from '../field/method.js';

/** Agents adopted at a time. */
const ADOPT_BATCH = 32;

/** An orchestrator that only watches, in `mode`, with the fleet's panes adopted as agents. */
async function watching(fleet: AgentFleet, mode: 'poll' | 'events'): Promise<{ orc: Orchestrator; agents: Map<Agent, string> }> {
  const orc = await Orchestrator.start({
    servers: fleet.servers.map((server) => server.server),
    startServer: false,
    discover: false,
    monitor: { mode, start: false, observeTimeoutMs: 30_000 },
    recovery: false,
    metrics: { sampleIntervalMs: false },
    scheduler: { store: 'memory' },
  });
  const agents = new Map<Agent, string>();
  try {
    for (let first = 0; first < fleet.panes.length; first += ADOPT_BATCH) {
      await Promise.all(
        fleet.panes.slice(first, first + ADOPT_BATCH).map(async (pane) => {
          const server = fleet.servers[pane.server]?.server;
          const agent = await orc.adopt(pane.id, { name: `pane ${pane.index}`, kind: 'claude-code', ...(server === undefined ? {} : { server }) });
          agents.set(agent, paneKey(pane.server, pane.id));
        }),
      );
    }
  } catch (error) {
    await orc.close();
    throw error;
  }
  return { orc, agents };
}

/**
 * Times `orc.health.check()` in `mode`. The first cycle is checked: every
 * agent's reported state, and the screens it read. An active agent's screen
 * leaves the cache as soon as it prints again (events mode), so one no
 * longer there is captured for the check, outside the cycle.
 */
function healthMethod(label: string, mode: 'poll' | 'events'): Method {
  return async (fleet, options) => {
    const { orc, agents } = await watching(fleet, mode);
    let checked = false;
    try {
      return await timeCycles(label, fleet, options, async () => {
        const report = await orc.health.check();
        const captures: Captures = new Map();
        if (checked) return captures;
        checked = true;
        const states = new Map(report.agents.map((line) => [line.agent, line.detection.state]));
        for (const [agent, key] of agents) {
          const expected = fleet.active.has(Number(agent.name.slice('pane '.length))) ? 'working' : 'idle';
          if (states.get(agent.name) !== expected) throw new Error(`${label}: ${agent.name} reported ${states.get(agent.name)}, expected ${expected}`);
          captures.set(key, orc.health.screen(agent) ?? (await agent.capture()));
        }
        return captures;
      });
    } finally {
      await orc.close();
    }
  };
}

/** Method (d): every agent's screen and process facts, fresh, each cycle. */
export const pollMethod: Method = healthMethod('this library, poll (d)', 'poll');

/** Method (e): process facts of every agent, screens of the agents that wrote output. */
export const eventsMethod: Method = healthMethod('this library, events (e)', 'events');
