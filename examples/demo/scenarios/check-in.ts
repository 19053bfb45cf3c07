/**
 * Schedules a check-in message with the orchestrator's scheduler, then
 * checks it fired, was delivered, and reached the agent.
 *
 * @module
 */
import { readFakeAgentLog } from '../../../src/testing/index.js';
import { agentLog } from '../fleet.js';
import { waitForEvent } from '../wait.js';
import { agentWithRole, type ScenarioContext } from './context.js';

/** The check-in's text. */
const CHECK_IN = 'Check-in: post your status and blockers';
/** When it is due. */
const DELAY = '3s';
/** Milliseconds after scheduling by which it must have fired. */
const DEADLINE_MS = 20_000;

/**
 * Schedules the check-in now and returns its outcome, settled once the job
 * has fired and the agent's log shows the message.
 *
 * @throws (from the outcome) when the job fails, is late, or the message did not arrive.
 */
export async function scheduleCheckIn(context: ScenarioContext): Promise<{ readonly done: Promise<string> }> {
  const { orc, state, directory, signal } = context;
  const agent = agentWithRole(orc, 'check-in');
  const job = await orc.scheduler.in(DELAY, { agent: agent.name, message: CHECK_IN });
  state.log('scenario', `scheduled a check-in for ${agent.name} in ${DELAY} (job ${job.id.slice(0, 8)})`);
  const options = { timeoutMs: DEADLINE_MS, signal, description: `the check-in for ${agent.name} to fire` };
  const fired = waitForEvent(orc.scheduler, 'schedule:fired', (event) => event.job.id === job.id, options);
  const failed = waitForEvent(orc.scheduler, 'schedule:failed', (event) => event.job.id === job.id, options);
  const done = (async () => {
    const [event] = await Promise.race([
      fired,
      failed.then(([failure]) => {
        throw new Error(`the check-in failed: ${(failure.error as Error).message}`);
      }),
    ]);
    state.recordDelivery();
    const log = await readFakeAgentLog(agentLog(directory, agent.name));
    if (!log.some((entry) => entry.text === CHECK_IN)) throw new Error(`the check-in fired but ${agent.name}'s log does not have it`);
    return `check-in fired ${Math.round(event.lagMs)} ms after its due time, delivered to ${agent.name} in ${Math.round(event.durationMs)} ms`;
  })();
  done.catch(() => undefined);
  return { done };
}
