import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TmuxClient } from '../../src/index.js';
import { fakeAgentCommand } from '../../src/testing/fake-agent/launch.js';
import { readFakeAgentLog } from '../../src/testing/fake-agent/log.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

const AGENTS = 20;
const MESSAGES_PER_AGENT = 50;
/** Linux's `USER_HZ`: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;
const agents: { paneId: string; log: string; pid: number }[] = [];

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  scratch = await mkdtemp(join(tmpdir(), 'tmo-fake-agent-load-'));
  for (let index = 0; index < AGENTS; index += 1) {
    const log = join(scratch, `agent-${index}.jsonl`);
    const { paneId } = await client.newSession({
      command: fakeAgentCommand({ log, script: { workMs: 20, reply: 'Done {seq}.' }, name: `agent-${index}` }),
      width: 100,
      height: 30,
    });
    agents.push({ paneId, log, pid: Number(await client.displayMessage('#{pane_pid}', { target: paneId })) });
  }
  await Promise.all(agents.map(({ paneId }) => waitForLine(paneId, '  ? for shortcuts', 60_000)));
}, 90_000);
afterAll(async () => {
  await client.close();
  await tmux.kill();
  await rm(scratch, { recursive: true, force: true });
});

async function waitForLine(paneId: string, line: string, timeoutMs: number): Promise<void> {
  await retryUntil(async () => (await client.capturePane(paneId)).includes(line), {
    timeoutMs,
    intervalMs: 100,
    description: `${JSON.stringify(line)} in ${paneId}`,
  });
}

/** CPU time (user + system) the process has used, in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/mu.exec(status)?.[1]) / 1024;
}

describe(`${AGENTS} fake agents`, () => {
  it('use next to no CPU while idle', async () => {
    const before = await Promise.all(agents.map(({ pid }) => cpuSeconds(pid)));
    const windowMs = 3_000;
    await delay(windowMs); // a measurement window, not a wait for something to happen
    const after = await Promise.all(agents.map(({ pid }) => cpuSeconds(pid)));
    const used = after.reduce((sum, value, index) => sum + value - (before[index] as number), 0);
    const rss = await Promise.all(agents.map(({ pid }) => rssMiB(pid)));
    console.log(
      `${AGENTS} idle fake agents: ${used.toFixed(2)} s CPU in ${windowMs / 1000} s (${((used / (windowMs / 1000)) * 100).toFixed(1)}% of one core); ` +
        `RSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB each`,
    );
    // No timers run while idle: anything above a few ticks would be a busy loop.
    expect(used).toBeLessThan(0.2);
  });

  it(`take ${AGENTS * MESSAGES_PER_AGENT} messages sent at once, each exactly once and in order`, async () => {
    const texts = (agent: number): string[] =>
      Array.from({ length: MESSAGES_PER_AGENT }, (_, i) => `message ${i + 1} for agent ${agent}: "quoted" $HOME #{pane_id}; 日本 😀`);
    const started = performance.now();
    await Promise.all(
      agents.map(async ({ paneId }, agent) => {
        for (const text of texts(agent)) {
          await client.sendText(paneId, text);
          await client.sendKeys(paneId, ['Enter']);
        }
      }),
    );
    const sentMs = performance.now() - started;
    await Promise.all(agents.map(({ paneId }) => waitForLine(paneId, `● Done ${MESSAGES_PER_AGENT}.`, 60_000)));
    const answeredMs = performance.now() - started;
    console.log(`${AGENTS * MESSAGES_PER_AGENT} messages: sent in ${Math.round(sentMs)} ms, all answered after ${Math.round(answeredMs)} ms`);
    for (const [agent, { log }] of agents.entries()) {
      const entries = await readFakeAgentLog(log);
      expect(entries.map((entry) => entry.text)).toEqual(texts(agent));
    }
  }, 120_000);
});
