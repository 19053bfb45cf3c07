/**
 * Feeds the orchestrator's events into the demo's state: agents as they join,
 * each monitor cycle (states, cycle time, the last line of every screen the
 * cycle captured), exits, recoveries and scheduled jobs.
 *
 * @module
 */
import type { AgentHealthEvent, AgentReport, CycleReport, FailedEvent, FiredEvent, Orchestrator, RecoveryActionEvent } from '../../src/index.js';
import { lastOutputLine } from './screen.js';
import type { DemoState } from './state.js';

/**
 * Keeps `state` up to date with `orc` until the returned function is called.
 * Screens are not captured again: a cycle leaves each screen it captured in
 * the orchestrator's `pane_content` cache, and the view reads it there.
 */
export function observeOrchestrator(orc: Orchestrator, state: DemoState): () => void {
  const onAdded = (agent: { readonly name: string }): void => state.setAgent(agent.name, {});
  let lastFailure = '';
  const onCycle = (report: CycleReport): void => {
    state.recordCycle(report.durationMs);
    for (const agent of report.agents) state.setAgent(agent.agent, { state: agent.state, ...lastLineOf(orc, agent) });
    // Agents the monitor could not observe (a tmux error): said once, not every cycle.
    const failed = report.agents.filter((agent) => agent.error !== undefined);
    const failure = failed.length === 0 ? '' : `${failed.length} agents not observed: ${failed[0]?.error?.message ?? ''}`;
    if (failure !== '' && failure !== lastFailure) state.log('failed', `monitor: ${failure}`);
    lastFailure = failure;
  };
  const onExited = ({ agent, report }: AgentHealthEvent): void => {
    const evidence = report.detection.evidence.find((item) => item.startsWith('process')) ?? report.detection.evidence[0] ?? '';
    state.log('exited', `${agent.name} exited (${evidence})`);
  };
  const onRecovery = ({ agent, trigger, strategy, action }: RecoveryActionEvent): void => {
    const detail = action.detail === undefined ? '' : `: ${action.detail}`;
    state.log(action.outcome === 'restarted' ? 'restarted' : 'recovery', `${agent.name} ${trigger} → ${strategy} ${action.outcome}${detail}`);
  };
  const onFired = ({ job, lagMs, durationMs }: FiredEvent): void => {
    const target = 'agent' in job.target ? `${job.target.agent} ← "${job.target.message}"` : job.target.handler;
    state.log('fired', `job ${job.id.slice(0, 8)} fired ${Math.round(lagMs)} ms late: ${target} (done in ${Math.round(durationMs)} ms)`);
  };
  const onFailed = ({ job, error }: FailedEvent): void => {
    state.log('failed', `job ${job.id.slice(0, 8)} failed: ${(error as Error).message}`);
  };
  orc.on('agent:added', onAdded);
  orc.health.on('cycle', onCycle);
  orc.health.on('agent:exited', onExited);
  orc.recovery?.on('recovery', onRecovery);
  orc.scheduler.on('schedule:fired', onFired);
  orc.scheduler.on('schedule:failed', onFailed);
  return () => {
    orc.off('agent:added', onAdded);
    orc.health.off('cycle', onCycle);
    orc.health.off('agent:exited', onExited);
    orc.recovery?.off('recovery', onRecovery);
    orc.scheduler.off('schedule:fired', onFired);
    orc.scheduler.off('schedule:failed', onFailed);
  };
}

/** The agent's last line, when this cycle captured its screen: the question it asks, or the last line above its input box. */
function lastLineOf(orc: Orchestrator, report: AgentReport): { lastLine?: string } {
  const question = report.detection.prompt?.question;
  if (question !== undefined) return { lastLine: `? ${question}` };
  if (!report.captured) return {};
  const agent = orc.get(report.agent);
  const screen = agent === undefined ? undefined : orc.health.screen(agent);
  return screen === undefined ? {} : { lastLine: lastOutputLine(screen) };
}
