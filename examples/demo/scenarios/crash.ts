/**
 * Crashes an agent (its script exits on a message), and checks that the
 * monitor saw it exit, recovery restarted it, and it takes messages again.
 *
 * @module
 */
import { CRASH_TRIGGER } from '../fleet.js';
import { waitForEvent } from '../wait.js';
import { agentWithRole, type ScenarioContext } from './context.js';

/** Milliseconds from the crash to the exit being reported. */
const DETECT_DEADLINE_MS = 10_000;
/** Milliseconds from the crash to the agent being back at its prompt. */
const RECOVER_DEADLINE_MS = 15_000;

/**
 * Sends the message that crashes the agent, then waits for the exit, the
 * restart, and the agent to be idle, and sends it one more message.
 *
 * @throws when a step does not happen in time, or recovery fails.
 */
export async function recoverCrash(context: ScenarioContext): Promise<string> {
  const { orc, state, signal } = context;
  const agent = agentWithRole(orc, 'crash');
  const recovery = orc.recovery;
  if (recovery === undefined) throw new Error('recovery is off');
  const exited = waitForEvent(orc.health, 'agent:exited', (event) => event.agent === agent, {
    timeoutMs: DETECT_DEADLINE_MS,
    signal,
    description: `the monitor to see ${agent.name} exit`,
  });
  const recover = { timeoutMs: RECOVER_DEADLINE_MS, signal };
  const restarted = waitForEvent(recovery, 'recovery', (event) => event.agent === agent && event.action.outcome === 'restarted', {
    ...recover,
    description: `recovery to restart ${agent.name}`,
  });
  const failed = waitForEvent(recovery, 'recovery:failed', (event) => event.agent === agent, { ...recover, description: 'a failure' });
  const message = `Run the ${CRASH_TRIGGER} integration suite`;
  await agent.send(message, { signal });
  state.recordDelivery();
  state.log('delivered', `${agent.name} ← "${message}" (its script crashes on it)`);
  const sent = performance.now();
  await exited;
  const detectedAfter = performance.now() - sent;
  await Promise.race([
    restarted,
    failed.then(([event]) => {
      throw new Error(`recovery failed for ${agent.name}: ${event.error.message}`);
    }),
  ]);
  const restartedAfter = performance.now() - sent;
  await waitForEvent(orc, 'agent:state', (change) => change.agent === agent && change.to === 'idle', {
    ...recover,
    description: `${agent.name} to be back at its prompt`,
  });
  const receipt = await agent.send('Run the integration suite again', { signal });
  state.recordDelivery();
  state.log('delivered', `${agent.name} ← "Run the integration suite again" in ${Math.round(receipt.latencyMs)} ms: back at work`);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return `${agent.name} crashed; exit seen after ${seconds(detectedAfter)}, restarted after ${seconds(restartedAfter)}, took a message again`;
}
