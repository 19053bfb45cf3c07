/**
 * What every scenario works with, and what it reports.
 *
 * @module
 */
import type { Agent, Orchestrator } from '../../../src/index.js';
import type { AgentRole } from '../fleet.js';
import { SCRIPTED_AGENTS } from '../fleet.js';
import type { DemoState } from '../state.js';

/** A scenario's surroundings. */
export interface ScenarioContext {
  /** The orchestrator running the fleet. */
  readonly orc: Orchestrator;
  /** Where events and progress go. */
  readonly state: DemoState;
  /** The demo's temporary directory (the agents' message logs are there). */
  readonly directory: string;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

/** How a scenario ended. */
export interface ScenarioResult {
  /** The scenario's name. */
  readonly name: string;
  /** Whether it did what it should, in time. */
  readonly ok: boolean;
  /** What it showed, or what went wrong. */
  readonly detail: string;
}

/** The fleet's scripted agents with this role, in fleet order. */
export function agentsWithRole(orc: Orchestrator, role: AgentRole): Agent[] {
  const names = new Set(SCRIPTED_AGENTS.filter((agent) => agent.role === role).map((agent) => agent.name));
  return orc.agents.filter((agent) => names.has(agent.name));
}

/** The one scripted agent with this role. */
export function agentWithRole(orc: Orchestrator, role: AgentRole): Agent {
  const [agent] = agentsWithRole(orc, role);
  if (agent === undefined) throw new Error(`the fleet has no ${role} agent`);
  return agent;
}

