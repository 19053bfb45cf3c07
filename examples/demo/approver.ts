/**
 * The demo's approval policy: whenever an agent stops to ask a question, it
 * is answered with the first option (`1. Yes`), as a supervisor script would.
 *
 * @module
 */
import type { Agent, AgentStateChange, Orchestrator } from '../../src/index.js';
import type { DemoState } from './state.js';

/** Answers every prompt an agent shows with its first option (one answer at a time per agent), until the returned function is called. */
export function approvePrompts(orc: Orchestrator, state: DemoState): () => void {
  const answering = new Set<Agent>();
  const onState = (change: AgentStateChange): void => {
    const prompt = change.detection.prompt;
    const [first] = prompt?.options ?? [];
    if (change.to !== 'waiting' || prompt === undefined || first === undefined || answering.has(change.agent)) return;
    answering.add(change.agent);
    const options = prompt.options.map((option) => `${option.key}. ${option.label}`).join(' / ');
    state.log('waiting', `${change.agent.name} asks "${prompt.question}" (${options})`);
    change.agent
      .answer(first.key)
      .then(
        () => state.log('answered', `${change.agent.name} ← ${first.key}. ${first.label}`),
        (error: unknown) => state.log('failed', `could not answer ${change.agent.name}: ${(error as Error).message}`),
      )
      .finally(() => answering.delete(change.agent));
  };
  orc.on('agent:state', onState);
  return () => orc.off('agent:state', onState);
}
