import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from '../src/agents/agent.js';
import { InvalidArgumentError } from '../src/errors.js';
import { Orchestrator } from '../src/orchestrator.js';
import { defaultScheduleStore } from '../src/orchestrator-options.js';
import type { FiredEvent } from '../src/scheduler/events.js';
import { UnknownStrategyError } from '../src/strategies/registry.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, retryUntil, type TestServer } from '../src/testing/index.js';
import type { TmuxClient } from '../src/tmux/client.js';

let tmux: TestServer;
let client: TmuxClient;
let orc: Orchestrator;
let agent: Agent;
const log = (): string => join(tmux.directory, 'eng.jsonl');

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  orc = await Orchestrator.start({
    servers: [tmux.server],
    monitor: { intervalMs: 200 },
    recovery: { strategies: { restart: { initialDelayMs: 50 } } },
  });
  agent = await orc.spawn({ name: 'eng', kind: 'claude-code', command: fakeAgentCommand({ log: log(), script: { workMs: 20 } }) });
  await retryUntil(() => orc.health.report('eng')?.state === 'idle', { description: 'the monitor to see the agent idle' });
});

afterAll(async () => {
  await orc?.close();
  await client?.close();
  await tmux?.kill();
});

it('monitors continuously, and an agent linked into the monitor session is still observed by its own calls', async () => {
  expect(orc.health.running).toBe(true);
  const sessions = await client.listSessions({ includeControl: true });
  expect(sessions.some((session) => session.name.startsWith('__tmo-monitor'))).toBe(true);
  // Targeting the agent's pane must find it, whichever session tmux resolves it in.
  expect((await agent.state()).state).toBe('idle');
  expect((await client.listPanes(agent.paneId)).map((pane) => pane.id)).toContain(agent.paneId);
  // …while a listing of the whole server shows it once.
  expect((await client.listPanes()).filter((pane) => pane.id === agent.paneId)).toHaveLength(1);
});

it('delivers a scheduled check-in through the agent, and keeps its jobs in a file only once one is scheduled', async () => {
  const store = defaultScheduleStore(tmux.server);
  expect(existsSync(store)).toBe(false);
  const fired = new Promise<FiredEvent>((resolve) => orc.scheduler.once('schedule:fired', resolve));
  const job = await orc.scheduler.in('300ms', { agent: 'eng', message: 'Check-in: status?' });
  expect(existsSync(store)).toBe(true);
  expect((await fired).job.id).toBe(job.id);
  await retryUntil(async () => (await readFakeAgentLog(log())).some((entry) => entry.text === 'Check-in: status?'));
  await expect(orc.scheduler.in('1s', { agent: 'nobody', message: 'x' })).rejects.toThrow(/nobody/u);
});

it('restarts an agent killed with SIGKILL, and the metrics count the cycles', async () => {
  const [pane] = await client.listPanes(agent.paneId);
  const pid = pane?.pid ?? 0;
  expect(pid).toBeGreaterThan(0);
  const restarted = new Promise<void>((resolve) =>
    orc.recovery?.on('recovery', (event) => {
      if (event.agent === agent && event.action.outcome === 'restarted') resolve();
    }),
  );
  process.kill(pid, 'SIGKILL');
  await restarted;
  await retryUntil(async () => {
    const [now] = await client.listPanes(agent.paneId);
    return now !== undefined && !now.dead && now.pid !== pid;
  });
  await retryUntil(() => orc.health.report('eng')?.state === 'idle', { description: 'the restarted agent to be idle again' });
  const snapshot = orc.metrics.snapshot();
  expect(snapshot.health.cycles.count).toBeGreaterThan(2);
  expect(snapshot.agents.idle).toBeGreaterThanOrEqual(1);
});

it('takes a recovery policy per agent at spawn, and refuses a bad one', async () => {
  const panes = (await client.listPanes()).length;
  await expect(
    // @ts-expect-error an unknown strategy name is a type error too
    orc.spawn({ name: 'odd', kind: 'shell', command: ['bash', '--norc'], recovery: { exited: 'no-such-strategy' } }),
  ).rejects.toBeInstanceOf(UnknownStrategyError);
  expect(orc.get('odd')).toBeUndefined();
  expect((await client.listPanes()).length).toBe(panes);
  await expect(orc.spawn({ name: '', kind: 'shell', command: ['bash'] })).rejects.toBeInstanceOf(InvalidArgumentError);
});

it('kills agents killed at once one after another, and the server lives on', async () => {
  const doomed = await Promise.all(
    [0, 1, 2, 3, 4, 5].map((index) => orc.spawn({ name: `doomed-${index}`, kind: 'shell', command: ['bash', '--norc'], session: 'doomed' })),
  );
  await orc.health.check();
  await Promise.all(doomed.map((victim) => victim.kill()));
  expect(doomed.map((victim) => orc.get(victim.name))).toEqual(doomed.map(() => undefined));
  expect(await client.hasSession('doomed')).toBe(false);
  expect(await client.run(['display-message', '-p', 'alive'])).toEqual(['alive']);
});

it('closes every module and removes the monitor session, leaving the agents running', async () => {
  await orc.close();
  await orc.close();
  expect(orc.health.running).toBe(false);
  await retryUntil(async () => !(await client.listSessions({ includeControl: true })).some((session) => session.name.startsWith('__tmo-monitor')));
  const [pane] = await client.listPanes(agent.paneId);
  expect(pane?.dead).toBe(false);
});
