/**
 * The process the kill -9 test starts (twice): a real Orchestrator with a
 * fake agent, and a Scheduler on a file store, wired the way the orchestrator
 * wires it. With `--schedule`, it spawns the agent and schedules the plan;
 * without, it takes over the agent (discovery) and the store, and exits once
 * every job has run. It prints one JSON line per event on stdout.
 *
 * node --import tsx test/scheduler/support/crash-child.ts --server JSON --store PATH --count PATH --agent-log PATH [--schedule]
 */
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Orchestrator } from '../../../src/orchestrator.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { fakeAgentCommand, retryUntil } from '../../../src/testing/index.js';
import type { TmuxServerOptions } from '../../../src/tmux/server.js';
import { AGENT, plan } from './crash-plan.js';

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    store: { type: 'string' },
    count: { type: 'string' },
    'agent-log': { type: 'string' },
    schedule: { type: 'boolean', default: false },
  },
});
const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

const server = JSON.parse(values.server as string) as TmuxServerOptions;
const orc = await Orchestrator.start({ servers: [server], discover: true });
if (values.schedule) {
  const agent = await orc.spawn({
    name: AGENT,
    kind: 'claude-code',
    command: fakeAgentCommand({ log: values['agent-log'] as string, script: { workMs: 10 } }),
    cwd: dirname(values.store as string),
  });
  await retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 30_000, description: 'the fake agent to start' });
}

const scheduler = new Scheduler({
  store: values.store as string,
  deliver: (name, message, signal) => orc.agent(name).send(message, { signal }),
  hasAgent: (name) => orc.get(name) !== undefined,
});
scheduler.handle('count', ({ payload }) => appendFileSync(values.count as string, `${String(payload)}\n`));
scheduler.on('schedule:missed', ({ job, reason, count }) => say({ event: 'missed', id: job.id, reason, count }));
scheduler.on('schedule:failed', ({ job, error }) => say({ event: 'failed', id: job.id, error: String(error) }));
scheduler.on('error', (error) => say({ event: 'error', error: String(error) }));
await scheduler.start();

if (values.schedule) {
  const base = Date.now() + 1_000;
  await Promise.all(
    plan(base).map(({ index, dueAt, message }) =>
      scheduler.at(dueAt, message === undefined ? { handler: 'count', payload: index } : { agent: AGENT, message }, { id: `job-${index}` }),
    ),
  );
  say({ event: 'scheduled', base, pending: scheduler.size });
  // Runs until killed.
} else {
  say({ event: 'started', pending: scheduler.size });
  await retryUntil(() => scheduler.size === 0, { timeoutMs: 60_000, intervalMs: 50, description: 'every job to run' });
  await scheduler.close();
  await orc.close();
  say({ event: 'done' });
}
