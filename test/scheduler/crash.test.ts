import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestServer, readFakeAgentLog, retryUntil, type TestServer } from '../../src/testing/index.js';
import { BEFORE, DOWNTIME, JOBS, KILL_WINDOW, plan } from './support/crash-plan.js';

const CHILD = join(import.meta.dirname, 'support', 'crash-child.ts');

let tmux: TestServer;

beforeAll(async () => {
  tmux = await createTestServer();
});

afterAll(async () => {
  await tmux?.kill();
});

interface Child {
  readonly pid: number;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  exit: number | string | undefined;
  kill(): void;
}

/** Starts the child process; its JSON lines and exit are recorded as they come. */
function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state: Child = { pid: child.pid as number, lines: [], stderr: [], exit: undefined, kill: () => child.kill('SIGKILL') };
  createInterface({ input: child.stdout }).on('line', (line) => state.lines.push(JSON.parse(line) as Record<string, unknown>));
  child.stderr.on('data', (chunk: Buffer) => state.stderr.push(chunk.toString()));
  // 'exit' comes once the process is reaped: no zombie holds the store's lock.
  child.on('exit', (code, signal) => (state.exit = code ?? signal ?? 'unknown'));
  return state;
}

const exited = (child: Child, timeoutMs: number): Promise<number | string> =>
  retryUntil((): { code: number | string } | undefined => (child.exit === undefined ? undefined : { code: child.exit }), { timeoutMs, intervalMs: 50, description: `process ${child.pid} to exit` }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; it printed ${JSON.stringify(child.lines.slice(0, 20))}, stderr: ${child.stderr.join('')}`);
  }).then(({ code }) => code);

it('kill -9 with 1,000 jobs pending, some due while down: after a restart every job has run exactly once', async () => {
  const directory = tmux.directory;
  const countFile = join(directory, 'counted.txt');
  const agentLog = join(directory, 'agent.jsonl');
  const args = ['--server', JSON.stringify(tmux.server), '--store', join(directory, 'state', 'schedule.jsonl'), '--count', countFile, '--agent-log', agentLog];
  const counted = async (): Promise<number[]> =>
    (await readFile(countFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);

  const first = startChild([...args, '--schedule']);
  const scheduled = await retryUntil(() => first.lines.find((line) => line.event === 'scheduled') ?? (first.exit !== undefined && { exit: first.exit }), {
    timeoutMs: 40_000,
    description: `the first process to schedule (stderr: ${first.stderr.join('')})`,
  });
  expect(scheduled).toMatchObject({ pending: JOBS });
  const base = (scheduled as { base: number }).base;
  const jobs = plan(base);
  const before = jobs.slice(0, BEFORE.jobs);

  // Everything due before the kill ran, and nothing is due within 300 ms of it.
  await retryUntil(
    async () => {
      const texts = new Set((await readFakeAgentLog(agentLog)).map((entry) => entry.text));
      const done = new Set(await counted());
      return before.every((job) => (job.message === undefined ? done.has(job.index) : texts.has(job.message)));
    },
    { timeoutMs: base + KILL_WINDOW.to - 300 - Date.now(), description: 'the jobs due before the kill to run' },
  );
  const killAt = Math.max(Date.now() + 300, base + KILL_WINDOW.from);
  await retryUntil(() => Date.now() >= killAt, { timeoutMs: 10_000, intervalMs: 10 });
  const killedAt = Date.now();
  first.kill();
  expect(jobs.filter((job) => Math.abs(job.dueAt - killedAt) <= 300)).toEqual([]);
  expect(await exited(first, 5_000)).toBe('SIGKILL');
  expect((await counted()).length).toBe(before.filter((job) => job.message === undefined).length);

  // Down until every downtime job is past due.
  await retryUntil(() => Date.now() >= base + DOWNTIME.to + 100, { timeoutMs: 10_000, intervalMs: 20 });
  expect(await counted()).toHaveLength(before.filter((job) => job.message === undefined).length);

  const second = startChild(args);
  expect(await exited(second, 45_000)).toBe(0);
  expect(second.lines.at(0)).toEqual({ event: 'started', pending: JOBS - BEFORE.jobs });
  expect(second.lines.at(-1)).toEqual({ event: 'done' });

  // Exactly once: every counting job in the count file once, every message in the agent's log once.
  expect((await counted()).sort((a, b) => a - b)).toEqual(jobs.filter((job) => job.message === undefined).map((job) => job.index));
  const received = (await readFakeAgentLog(agentLog)).map((entry) => entry.text);
  const messages = jobs.flatMap((job) => (job.message === undefined ? [] : [job.message]));
  expect(received.sort()).toEqual(messages.sort());
  expect(messages).toHaveLength(20);
  // Nothing missed, failed or interrupted, in either process.
  expect(first.lines.filter((line) => line.event !== 'scheduled')).toEqual([]);
  expect(second.lines.filter((line) => line.event !== 'started' && line.event !== 'done')).toEqual([]);
}, 90_000);
