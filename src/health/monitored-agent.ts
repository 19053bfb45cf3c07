/**
 * What the monitor needs to know about, and do with, one agent of the fleet.
 *
 * @module
 */
import type { Agent, AgentStatus } from '../agents/agent.js';
import type { Detector } from '../agents/detectors/detector.js';
import type { Detection, ProcessFacts } from '../agents/state.js';
import type { TmuxClient } from '../tmux/client.js';

/** One agent as the monitor sees it. */
export interface MonitoredAgent {
  /** The agent's public handle (name, kind, pane, server, and its actions). */
  readonly agent: Agent;
  /** The detector for its kind. */
  readonly detector: Detector;
  /** The client of the server it runs on. */
  readonly client: TmuxClient;
  /**
   * Feeds one observation to the agent's state tracker (the same tracker
   * `agent.state()` feeds, so a confirmed change is reported once, as
   * `agent:state`) and returns the confirmed status.
   */
  record(detection: Detection, facts: ProcessFacts, at: number): AgentStatus;
}
