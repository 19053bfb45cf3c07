/**
 * Fleets of light agents for the suite: the servers, sessions and windows
 * of `createFleet` (its cleanup too), each pane then respawned as a light
 * fake agent named `pane N`, a share of them active.
 *
 * @module
 */
import { createClaudeCodeDetector } from '../../src/index.js';
import { LIGHT_AGENT_PROCESS_NAME, lightAgentCommand } from '../../src/testing/fake-agent/light.js';
import { retryUntil } from '../../src/testing/index.js';
import type { AgentFleet } from '../field/method.js';
import { capture, createFleet, type Fleet } from '../fleet.js';

/** What {@link createAgentFleet} builds. */
export interface AgentFleetOptions {
  readonly agents: number;
  readonly servers: number;
  /** Share of agents (0 to 1) that print output all the time, spread evenly over the fleet and over its servers. */
  readonly activeShare: number;
  /** Milliseconds between two lines of an active agent. */
  readonly intervalMs: number;
  /** Lines each agent prints above its input box at start. */
  readonly lines: number;
}

/** Windows (one pane each) per session, as `bench/capture.ts` lays them out. */
const WINDOWS_PER_SESSION = 10;

const detector = createClaudeCodeDetector();

/**
 * Builds the fleet into `fleet` (so a cleanup registered for it also covers a
 * failure half-way) and waits until every agent shows the screen it should.
 */
export async function createAgentFleet(options: AgentFleetOptions, fleet: Fleet): Promise<AgentFleet> {
  await createFleet({ panes: options.agents, servers: options.servers, linesPerPane: 1, windowsPerSession: WINDOWS_PER_SESSION }, fleet);
  // The same share on every server: agents are dealt to servers in turn, so a share taken over the whole
  // fleet (every tenth agent) would fall on some servers only.
  const active = new Set<number>();
  for (let server = 0; server < options.servers; server++) {
    const indexes = fleet.panes.filter((pane) => pane.server === server).map((pane) => pane.index);
    indexes.sort((a, b) => a - b);
    indexes.forEach((index, position) => {
      if (Math.floor((position + 1) * options.activeShare) > Math.floor(position * options.activeShare)) active.add(index);
    });
  }
  await Promise.all(
    fleet.panes.map((pane) =>
      (fleet.controlClients[pane.server] ?? fleet.controlClients[0])?.respawnPane(pane.id, {
        kill: true,
        command: lightAgentCommand({ name: `pane ${pane.index}`, active: active.has(pane.index), intervalMs: options.intervalMs, lines: options.lines }),
      }),
    ),
  );
  await retryUntil(
    async () => {
      const screens = await Promise.all(fleet.panes.map((pane) => capture(fleet.controlClients, pane)));
      return screens.every((lines, i) => {
        const index = fleet.panes[i]?.index ?? -1;
        const { state } = detector.detect({ lines }, { paneDead: false, currentCommand: LIGHT_AGENT_PROCESS_NAME });
        return state === (active.has(index) ? 'working' : 'idle') && lines.some((line) => line === `pane ${index} line ${options.lines}`);
      });
    },
    { timeoutMs: 120_000, intervalMs: 200, description: `${options.agents} light agents on screen` },
  );
  return Object.assign(fleet, { active });
}
