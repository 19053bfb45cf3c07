/**
 * A supervisor that escalates to a PM agent: a `pm` agent and two workers,
 * with a recovery policy under which a worker that exits or stalls is not
 * restarted behind everyone's back but reported to the PM, as a message in
 * its input. One worker crashes on its task; the example shows the
 * `recovery:escalated` event and the PM receiving the message, then restarts
 * the worker (as the PM, or the person behind it, would decide to).
 *
 *   node --import tsx examples/supervisor.ts
 *
 * It runs on a private tmux server (a socket in a temporary directory) with
 * the library's fake agents, scripted so that `worker-1` crashes when told to
 * deploy; no network. It exits with 0 when the escalation reached the PM and
 * the worker came back, 1 otherwise; the server and its directory are
 * removed in every case, Ctrl-C included.
 *
 * With real agents: import from `tmux-orchestrator`, pass your servers (or
 * leave the default), spawn every agent with `command: ['claude']` and its
 * project directory as `cwd`, and give the PM a prompt that explains what
 * the escalation messages mean and what it may do about them.
 *
 * @module
 */
import { join } from 'node:path';
import { Orchestrator, type Agent, type RecoveryEscalatedEvent } from '../src/index.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, retryUntil, type FakeAgentScript, type TestServer } from '../src/testing/index.js';
import { runExample, within } from './support/run.js';

/** Each step has its deadline: generous, for a busy CI machine. */
const STEP_TIMEOUT_MS = 10_000;
/** Workers work briefly; `worker-1` crashes (exit status 3) on any message about deploying. */
const WORKER_SCRIPT: FakeAgentScript = {
  workMs: 300,
  reply: 'Done: {text}.',
  steps: [{ on: { match: 'deploy' }, do: 'crash', exitCode: 3, message: 'ECONNRESET while uploading the bundle' }],
};

let tmux: TestServer | undefined;
let orc: Orchestrator | undefined;
await runExample(
  main,
  async () => {
    await orc?.close();
    await tmux?.kill();
  },
  '\nok: the crash was escalated to the PM, and the worker is back',
);

async function main(): Promise<void> {
  tmux = await createTestServer();
  const directory = tmux.directory;
  const logOf = (name: string): string => join(directory, `${name}.jsonl`);

  orc = await Orchestrator.start({
    servers: [tmux.server],
    // A short interval makes the example quick. A `working` agent that
    // prints nothing for `stallAfterMs` counts as stalled.
    monitor: { intervalMs: 250, stallAfterMs: 60_000 },
    recovery: {
      // Every claude-code agent: exits and stalls go to the PM…
      kinds: { 'claude-code': { exited: 'escalate', stalled: 'escalate' } },
      // …but the PM itself is restarted if it dies (it cannot escalate to itself).
      // (Per agent at spawn works too: orc.spawn({ …, recovery: { exited: 'escalate' } }).)
      agents: { pm: { exited: 'restart' } },
      // Who the supervisor is, and what it is told.
      strategies: {
        escalate: { supervisor: 'pm', message: 'Heads-up: {agent} {trigger} ({evidence}). Reassign its task or ask for a restart.' },
      },
    },
  });
  const fleet = orc;
  // orc.recovery is undefined only when started with `recovery: false`.
  const recovery = fleet.recovery;
  if (recovery === undefined) throw new Error('recovery is off');
  fleet.on('agent:state', ({ agent, from, to }) => console.log(`  [state]     ${agent.name}: ${from} → ${to}`));
  recovery.on('recovery', ({ agent, trigger, strategy, action }) => {
    const detail = action.detail === undefined ? '' : ` (${action.detail})`;
    console.log(`  [recovery]  ${agent.name}: ${trigger} → ${strategy}: ${action.outcome}${detail}`);
  });
  const escalated = new Promise<RecoveryEscalatedEvent>((resolve, reject) => {
    recovery.on('recovery:escalated', (event) => event.agent.name === 'worker-1' && resolve(event));
    recovery.on('recovery:failed', ({ agent, error }) => agent.name === 'worker-1' && reject(error));
  });
  escalated.catch(() => undefined); // awaited below; a failure before then is not an unhandled rejection

  console.log('spawning pm, worker-1, worker-2');
  // With real agents: command: ['claude'], cwd: '/path/to/the/project'.
  const spawn = (name: string, script: FakeAgentScript): Promise<Agent> =>
    fleet.spawn({ name, kind: 'claude-code', cwd: directory, command: fakeAgentCommand({ log: logOf(name), name, script }) });
  const [pm, worker1, worker2] = await Promise.all([spawn('pm', { workMs: 300 }), spawn('worker-1', WORKER_SCRIPT), spawn('worker-2', WORKER_SCRIPT)]);

  await Promise.all([worker1.send('Please deploy the staging build'), worker2.send('Please write the changelog')]);
  console.log('  [sent]      worker-1: "Please deploy the staging build"; worker-2: "Please write the changelog"');

  // worker-1 crashes; the monitor confirms the exit (pane dead), recovery
  // runs the `escalate` strategy, which sends the PM a verified message.
  const event = await within(escalated, STEP_TIMEOUT_MS, 'the escalation of worker-1');
  console.log(`\nrecovery:escalated: ${event.agent.name} (${event.trigger}) → ${event.supervisor}\n  "${event.message}"`);
  const received = await retryUntil(
    async () => (await readFakeAgentLog(logOf('pm'))).find((entry) => entry.text.includes('worker-1') && entry.text.includes('exited')),
    { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 100, description: 'the PM to log the escalation' },
  );
  console.log(`the PM's log, message #${received.seq}: "${received.text}"`);
  const pmLog = await readFakeAgentLog(logOf('pm'));
  if (pmLog.some((entry) => entry.text.includes('worker-2'))) throw new Error('worker-2 was escalated too, yet it did not fail');

  // A real PM's answer would decide what happens next; here the program
  // restarts the worker in its pane (same command and directory) and gives
  // it its next task.
  console.log('\nrestarting worker-1');
  await worker1.restart();
  const receipt = await worker1.send('Please write the release notes');
  console.log(`  [sent]      worker-1: "Please write the release notes" (verified by ${receipt.verifiedBy})`);
  await retryUntil(
    async () => (await readFakeAgentLog(logOf('worker-1'))).some((entry) => entry.text === 'Please write the release notes'),
    { timeoutMs: STEP_TIMEOUT_MS, description: 'the restarted worker-1 to log its new task' },
  );
  const finished = async (): Promise<boolean> =>
    fleet.health.report('worker-1')?.state === 'idle' && (await worker1.capture()).includes('● Done: Please write the release notes.');
  await retryUntil(finished, { timeoutMs: STEP_TIMEOUT_MS, description: 'the restarted worker-1 to finish its task' });
  const states = [pm, worker1, worker2].map((agent) => `${agent.name} ${fleet.health.report(agent.name)?.state ?? 'unknown'}`);
  console.log(`the monitor now sees: ${states.join(', ')}`);
}

