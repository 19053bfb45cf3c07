/**
 * What the recovery tests share: monitor reports and strategy contexts for
 * real agents, as the health checker would make them.
 */
import type { Agent } from '../../../src/agents/agent.js';
import type { AgentState, Detection } from '../../../src/agents/state.js';
import type { RecoveryContext, RecoveryTrigger } from '../../../src/health/recovery/strategy.js';
import type { AgentHealth, AgentReport, CycleReport } from '../../../src/health/report.js';

const HEALTH: Readonly<Partial<Record<AgentState, AgentHealth>>> = { exited: 'exited' };

/** An agent's line in a cycle report. */
export function agentReport(agent: Agent, state: AgentState, detection: Partial<Detection> = {}): AgentReport {
  return {
    agent: agent.name,
    kind: agent.kind,
    paneId: agent.paneId,
    state,
    since: Date.now(),
    lastOutputAt: undefined,
    health: HEALTH[state] ?? 'healthy',
    detection: { state, evidence: [`test: ${state}`], ...detection },
    captured: true,
  };
}

/** A cycle report holding these lines. */
export function cycleReport(cycle: number, agents: readonly AgentReport[], startedAt = Date.now()): CycleReport {
  return { cycle, mode: 'poll', startedAt, durationMs: 1, agents, captures: agents.length, cacheHits: 0, errors: 0, servers: 1 };
}

/** A strategy context for a real agent, with a clock and a fleet of its own when given. */
export function recoveryContext(
  agent: Agent,
  trigger: RecoveryTrigger,
  overrides: Partial<Omit<RecoveryContext, 'agent' | 'trigger'>> & { readonly fleet?: readonly Agent[] } = {},
): RecoveryContext {
  const { fleet = [agent], ...rest } = overrides;
  const state: AgentState = trigger === 'stalled' ? 'working' : trigger;
  return {
    agent,
    trigger,
    report: agentReport(agent, state),
    attempt: 1,
    scheduledFor: undefined,
    signal: new AbortController().signal,
    lookup: (name) => fleet.find((candidate) => candidate.name === name),
    now: () => Date.now(),
    ...rest,
  };
}
