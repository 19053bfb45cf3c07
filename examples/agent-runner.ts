/**
 * Embedding the orchestrator in an agent runner: start an `Orchestrator`,
 * spawn three agents, give each a task (delivery is verified: each receipt
 * says how), wait for the monitor to see each one go back to `idle`, read
 * the end of each screen, schedule a check-in two seconds out and check that
 * it arrived, then close.
 *
 *   node --import tsx examples/agent-runner.ts
 *
 * It runs on a private tmux server (a socket in a temporary directory) with
 * the library's fake agents, which draw Claude Code's screens and log every
 * message they receive; no network. It exits with 0 when every step
 * happened and 1 otherwise; the server and its directory are removed in
 * every case, Ctrl-C included.
 *
 * With real agents: import from `tmux-orchestrator` (and drop
 * `tmux-orchestrator/testing`), pass `servers: [{ socketName: 'agents' }]`
 * (or leave the default), and spawn with `command: ['claude']` and the
 * project's directory as `cwd`. The fake agent's log is only a way to check
 * delivery here; the receipt is the proof a real agent gives.
 *
 * @module
 */
import { join } from 'node:path';
import { Orchestrator, type Agent, type AgentStateChange, type DeliveryReceipt, type FiredEvent } from '../src/index.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, type TestServer } from '../src/testing/index.js';
import { runExample, within } from './support/run.js';

/** Each step has its deadline: generous, for a busy CI machine. */
const STEP_TIMEOUT_MS = 10_000;
const TASKS: Readonly<Record<string, string>> = {
  'eng-1': 'Write the release notes for 1.2',
  'eng-2': 'Run the tests and fix what fails',
  'eng-3': 'Review the open pull requests',
};
const CHECK_IN = 'Check-in: how far along are you?';

let tmux: TestServer | undefined;
let orc: Orchestrator | undefined;
await runExample(
  main,
  async () => {
    await orc?.close();
    await tmux?.kill();
  },
  '\nok: every agent took its task, finished it, and got the check-in',
);

async function main(): Promise<void> {
  tmux = await createTestServer();
  const directory = tmux.directory;
  const logOf = (name: string): string => join(directory, `${name}.jsonl`);

  // The monitor runs continuously (events mode: it captures only the panes
  // that printed something); a short interval makes this example quick.
  orc = await Orchestrator.start({ servers: [tmux.server], monitor: { intervalMs: 250 } });
  const fleet = orc;
  fleet.on('agent:state', ({ agent, from, to }) => console.log(`  [state] ${agent.name}: ${from} → ${to}`));

  console.log('spawning 3 agents');
  const agents = await Promise.all(
    Object.keys(TASKS).map((name) =>
      fleet.spawn({
        name,
        kind: 'claude-code',
        // With a real agent: command: ['claude'], cwd: '/path/to/the/project'.
        command: fakeAgentCommand({ log: logOf(name), name, script: { workMs: 1_500, reply: 'Done: {text}.' } }),
        cwd: directory,
      }),
    ),
  );

  // send() waits until the agent accepts input, types the task once, submits
  // it and checks that the agent took it (pressing Enter again if needed).
  const finished = agents.map((agent) => backToIdle(fleet, agent));
  await Promise.all(
    agents.map(async (agent) => {
      const receipt = await agent.send(TASKS[agent.name] as string);
      console.log(
        `  [sent]  ${agent.name}: verified by ${receipt.verifiedBy} after ${receipt.attempts} Enter press(es), ` +
          `${Math.round(receipt.latencyMs)} ms (${Math.round(receipt.waitedMs)} ms waiting for the agent)`,
      );
    }),
  );
  await Promise.all(finished);

  // The last ten lines: the task, the reply, and the empty input box under it.
  for (const agent of agents) {
    const tail = await agent.capture({ lines: 10 });
    console.log(`\n${agent.name}, end of its screen:\n${tail.map((line) => `  │ ${line}`).join('\n')}`);
    if (!tail.includes(`● Done: ${TASKS[agent.name] as string}.`)) throw new Error(`${agent.name} does not show its reply`);
  }

  // A check-in two seconds from now. The scheduler keeps its jobs in a file
  // beside the server's socket, so a runner that restarts still sends it.
  const [first] = agents as [Agent, ...Agent[]];
  const job = await fleet.scheduler.in('2s', { agent: first.name, message: CHECK_IN });
  console.log(`\nscheduled job ${job.id}: "${CHECK_IN}" to ${first.name} in 2 s`);
  const fired = new Promise<FiredEvent>((resolve, reject) => {
    fleet.scheduler.on('schedule:fired', (event) => event.job.id === job.id && resolve(event));
    fleet.scheduler.on('schedule:failed', (event) => event.job.id === job.id && reject(event.error as Error));
  });
  const { lagMs, result } = await within(fired, STEP_TIMEOUT_MS, 'the check-in to fire');
  console.log(`  [fired] ${Math.round(lagMs)} ms after its due time, verified by ${(result as DeliveryReceipt).verifiedBy}`);
  const received = (await readFakeAgentLog(logOf(first.name))).find((entry) => entry.text === CHECK_IN);
  if (received === undefined) throw new Error(`${first.name} did not log the check-in`);
  console.log(`  [log]   ${first.name} received message #${received.seq}: "${received.text}"`);
}

/**
 * Resolves when the monitor confirms that `agent` went from `working` back to
 * `idle` (a state is confirmed over two sightings, so a 1.5 s task is seen
 * working); rejects after {@link STEP_TIMEOUT_MS}.
 */
async function backToIdle(orchestrator: Orchestrator, agent: Agent): Promise<void> {
  let listener: ((change: AgentStateChange) => void) | undefined;
  const done = new Promise<void>((resolve) => {
    listener = ({ agent: changed, from, to }) => changed === agent && from === 'working' && to === 'idle' && resolve();
    orchestrator.on('agent:state', listener);
  });
  try {
    await within(done, STEP_TIMEOUT_MS, `${agent.name} to go from working back to idle`);
  } finally {
    orchestrator.off('agent:state', listener);
  }
}
