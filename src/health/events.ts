/**
 * The events a `HealthChecker` emits.
 *
 * @module
 */
import type { Agent } from '../agents/agent.js';
import type { AgentState } from '../agents/state.js';
import type { OrchestratorError } from '../errors.js';
import type { AgentReport, CycleReport } from './report.js';

/** An agent, and its line in the cycle that noticed something about it. */
export interface AgentHealthEvent {
  /** The agent. */
  readonly agent: Agent;
  /** Its report in the cycle that noticed. */
  readonly report: AgentReport;
}

/** An agent's confirmed state differs from the one the previous cycle reported. */
export interface AgentHealthStateEvent extends AgentHealthEvent {
  /** The state the previous cycle reported (`starting` for an agent's first cycle). */
  readonly from: AgentState;
  /** The state now. */
  readonly to: AgentState;
}

/** Events of a `HealthChecker`. */
export interface HealthCheckerEvents {
  /** A cycle finished. */
  cycle: (report: CycleReport) => void;
  /** A cycle saw an agent in another confirmed state than the previous cycle did. */
  'agent:state': (event: AgentHealthStateEvent) => void;
  /** A cycle saw an agent's exit confirmed (once per exit). */
  'agent:exited': (event: AgentHealthEvent) => void;
  /** A cycle found an agent `working` with no output for longer than the stall time (once per stall). */
  'agent:stalled': (event: AgentHealthEvent) => void;
  /** A continuous-mode cycle failed as a whole (per-agent failures are in the report instead). */
  error: (error: OrchestratorError) => void;
}
