/**
 * Delivers a message to each delivery agent at once, with verified receipts,
 * and checks each agent logged exactly that text.
 *
 * @module
 */
import { percentile } from '../../../src/index.js';
import { readFakeAgentLog } from '../../../src/testing/index.js';
import { truncate } from '../../../src/testing/fake-agent/text.js';
import { agentLog } from '../fleet.js';
import { withDeadline } from '../wait.js';
import { agentsWithRole, type ScenarioContext } from './context.js';

/** The messages, one per delivery agent. */
const MESSAGES = [
  'Run the test suite and report failures',
  'Refactor the parser module; keep the public API',
  'Update the docs for the 2.0 release',
  'Benchmark the capture path against main',
  'Fix the timeout in the CI workflow',
];

/** Milliseconds the deliveries may take together. */
const DEADLINE_MS = 15_000;

/**
 * Sends the messages and returns a summary of the receipts.
 *
 * @throws when a delivery fails, is late, or an agent did not log its message.
 */
export async function deliverMessages(context: ScenarioContext): Promise<string> {
  const { orc, state, directory, signal } = context;
  const agents = agentsWithRole(orc, 'delivery');
  state.log('scenario', `delivering ${agents.length} messages at once`);
  const sends = agents.map(async (agent, index) => {
    const text = MESSAGES[index % MESSAGES.length] as string;
    const receipt = await agent.send(text, { signal });
    state.recordDelivery();
    const presses = `${receipt.attempts} Enter${receipt.attempts === 1 ? '' : 's'}`;
    state.log('delivered', `${agent.name} ← "${truncate(text, 24)}" in ${Math.round(receipt.latencyMs)} ms, ${presses}`);
    return { agent, text, receipt };
  });
  const delivered = await withDeadline(Promise.all(sends), { timeoutMs: DEADLINE_MS, signal, description: `${agents.length} deliveries` });
  for (const { agent, text } of delivered) {
    const log = await readFakeAgentLog(agentLog(directory, agent.name));
    if (!log.some((entry) => entry.text === text)) throw new Error(`${agent.name} took the message but its log does not have it`);
  }
  const latencies = delivered.map(({ receipt }) => receipt.latencyMs);
  const presses = delivered.reduce((sum, { receipt }) => sum + receipt.attempts, 0);
  return `${delivered.length} messages delivered and logged by their agents (p50 ${Math.round(percentile(latencies, 50))} ms, max ${Math.round(percentile(latencies, 100))} ms, ${presses} Enter presses)`;
}
