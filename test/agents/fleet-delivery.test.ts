import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, retryUntil, type TestServer } from '../../src/testing/index.js';
import { percentile } from '../../src/util/latency.js';

const AGENTS = 20;
const MESSAGES_PER_AGENT = 50;

/** Messages with everything that has broken delivery somewhere: shell, tmux and format syntax, whitespace, non-ASCII. */
const TRICKY = [
  `it's "quoted" and 'single'`,
  'semi; colons; kill-server;',
  'expand $HOME and ${HOME} and ~/x',
  'format #{pane_id} #S ## #[fg=red]',
  'command #(touch /tmp/tmo-injected) and $(id) and `id`',
  'back\\slash \\n \\t \\\\ end\\',
  'tabs\tbetween\twords',
  'line one\nline two\n\nline four',
  'emoji 🚀🎉 and CJK 漢字かなカナ and é ü ñ',
  '{ braces } [brackets] %percent %1 @1 $1',
];

let tmux: TestServer;
let orc: Orchestrator;

beforeAll(async () => {
  tmux = await createTestServer();
  orc = await Orchestrator.start({ servers: [tmux.server] });
});

afterAll(async () => {
  await orc?.close();
  await tmux?.kill();
});

it('delivers 1,000 messages to 20 fake agents at once: each exactly once, byte-exact, in order', async () => {
  const agents: Agent[] = await Promise.all(
    Array.from({ length: AGENTS }, (_, i) =>
      orc.spawn({
        name: `agent ${i}`,
        kind: 'claude-code',
        command: fakeAgentCommand({ log: join(tmux.directory, `agent-${i}.jsonl`), script: { workMs: 10 } }),
        session: `fleet-${i % 4}`,
      }),
    ),
  );
  await Promise.all(
    agents.map((agent) => retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 30_000, description: `${agent.name} to start` })),
  );

  const plan = agents.map((_, a) =>
    Array.from({ length: MESSAGES_PER_AGENT }, (_, m) => {
      if (a === 0 && m === 25) return `large ${'0123456789abcdef'.repeat(6400)} end`; // 100 KB
      return `#${m} to ${a}: ${TRICKY[(a + m) % TRICKY.length] as string}`;
    }),
  );

  const started = performance.now();
  const latencies: number[] = [];
  const receipts = await Promise.all(
    agents.flatMap((agent, a) =>
      (plan[a] as string[]).map(async (text) => {
        const sent = performance.now();
        const receipt = await agent.send(text);
        latencies.push(performance.now() - sent);
        return receipt;
      }),
    ),
  );
  const elapsed = performance.now() - started;

  const delivered = receipts.filter((receipt) => receipt.delivered).length;
  const deliveryMs = receipts.map((receipt) => receipt.latencyMs);
  console.log(
    `delivered/sent ${delivered}/${AGENTS * MESSAGES_PER_AGENT} in ${(elapsed / 1000).toFixed(1)} s; ` +
      `per message, queueing included: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; ` +
      `delivery alone: p50 ${percentile(deliveryMs, 50).toFixed(0)} ms, p99 ${percentile(deliveryMs, 99).toFixed(0)} ms; ` +
      `Enter presses: ${receipts.reduce((sum, receipt) => sum + receipt.attempts, 0)}`,
  );
  expect(delivered).toBe(AGENTS * MESSAGES_PER_AGENT);

  for (const [a, expected] of plan.entries()) {
    const log = await readFakeAgentLog(join(tmux.directory, `agent-${a}.jsonl`));
    expect(log.map((entry) => entry.text)).toEqual(expected);
  }
}, 300_000);
