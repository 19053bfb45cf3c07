/**
 * Test fleets for the health checker: an orchestrator on a private server,
 * and the monitored-agent list its fleet would give, built from the public
 * `Agent` handles.
 */
import type { Agent, AgentStatus } from '../../../src/agents/agent.js';
import type { Detector } from '../../../src/agents/detectors/detector.js';
import type { Screen } from '../../../src/agents/state.js';
import { StateTracker } from '../../../src/agents/state-tracker.js';
import type { MonitoredAgent } from '../../../src/health/monitored-agent.js';
import { Orchestrator } from '../../../src/orchestrator.js';
import { createTestServer, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';

/** A server, an orchestrator on it, a client of our own, and the agents as the monitor sees them. */
export interface HealthFixture {
  readonly tmux: TestServer;
  readonly orc: Orchestrator;
  readonly client: TmuxClient;
  /** The orchestrator's agents as monitored agents (the same object per agent across calls). */
  readonly monitored: () => MonitoredAgent[];
  /** The last screen each pane's detector was given. */
  readonly screens: Map<string, Screen>;
  close(): Promise<void>;
}

/**
 * Starts a private server and an orchestrator on it, quiet (see
 * {@link QUIET_ORCHESTRATOR}): only the checker under test watches, and
 * nothing restarts what a test kills.
 */
export async function healthFixture(): Promise<HealthFixture> {
  const tmux = await createTestServer();
  const orc = await Orchestrator.start({ servers: [tmux.server], ...QUIET_ORCHESTRATOR });
  const client = await tmux.connect();
  const screens = new Map<string, Screen>();
  const byAgent = new Map<Agent, MonitoredAgent>();
  const monitor = (agent: Agent): MonitoredAgent =>
    monitoredAgent(agent, orc.registry.get('detector', agent.kind)(), client, (screen) => screens.set(agent.paneId, screen));
  const monitored = (): MonitoredAgent[] =>
    orc.agents.map((agent) => {
      let entry = byAgent.get(agent);
      if (entry === undefined) byAgent.set(agent, (entry = monitor(agent)));
      return entry;
    });
  return {
    tmux,
    orc,
    client,
    monitored,
    screens,
    async close() {
      await orc.close();
      await client.close();
      await tmux.kill();
    },
  };
}

/**
 * Orchestrator options that leave the fleet to the checker under test: its
 * own monitor idle, no recovery, no resource sampling (which reads the
 * process table of every agent every few seconds).
 */
export const QUIET_ORCHESTRATOR = { discover: false, monitor: { start: false }, recovery: false, metrics: { sampleIntervalMs: false } } as const;

/**
 * An agent as the monitor sees it, with a state tracker of its own (as the
 * fleet gives it one); `onScreen` hears of every screen its detector reads.
 */
export function monitoredAgent(agent: Agent, detector: Detector, client: TmuxClient, onScreen?: (screen: Screen) => void): MonitoredAgent {
  const tracker = new StateTracker();
  return {
    agent,
    client,
    detector:
      onScreen === undefined
        ? detector
        : {
            ...detector,
            answerKeys: (prompt, option) => detector.answerKeys(prompt, option),
            detect: (screen, facts) => {
              onScreen(screen);
              return detector.detect(screen, facts);
            },
          },
    record: (detection, facts, at): AgentStatus => {
      tracker.observe(detection, at, facts);
      return { state: tracker.current, since: tracker.since ?? at, detection };
    },
  };
}
