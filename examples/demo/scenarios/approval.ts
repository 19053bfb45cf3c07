/**
 * Asks an agent to do something that needs approval, and checks that the
 * prompt was seen (`waiting`), answered, and the agent finished the job.
 *
 * @module
 */
import { APPROVAL_TRIGGER } from '../fleet.js';
import { waitForEvent } from '../wait.js';
import { agentWithRole, type ScenarioContext } from './context.js';

/** Milliseconds from the request to the agent being idle again with its reply. */
const DEADLINE_MS = 15_000;

/**
 * Sends the request; the demo's approver answers the prompt.
 *
 * @throws when the agent does not ask, or is not done in time.
 */
export async function approvePrompt(context: ScenarioContext): Promise<string> {
  const { orc, state, signal } = context;
  const agent = agentWithRole(orc, 'approval');
  const options = { timeoutMs: DEADLINE_MS, signal };
  const asked = waitForEvent(orc, 'agent:state', (change) => change.agent === agent && change.to === 'waiting', {
    ...options,
    description: `${agent.name} to ask for approval`,
  });
  let waited = false;
  const finished = waitForEvent(
    orc,
    'agent:state',
    (change) => {
      if (change.agent !== agent) return false;
      waited ||= change.to === 'waiting';
      return waited && change.to === 'idle';
    },
    { ...options, description: `${agent.name} to finish after its approval` },
  );
  const started = performance.now();
  const message = `${APPROVAL_TRIGGER} the preview build to staging`;
  await agent.send(message, { signal });
  state.recordDelivery();
  state.log('delivered', `${agent.name} ← "${message}"`);
  const [question] = await asked;
  const askedAfter = performance.now() - started;
  await finished;
  const screen = await agent.capture();
  if (!screen.some((line) => line.includes('Deployed the preview build'))) throw new Error(`${agent.name} is idle but did not reply`);
  const prompt = question.detection.prompt?.question ?? 'a question';
  return `${agent.name} asked "${prompt}" after ${(askedAfter / 1000).toFixed(1)} s, was answered, and replied ${((performance.now() - started) / 1000).toFixed(1)} s after the request`;
}
