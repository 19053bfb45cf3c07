import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, type AgentStateMessage, type DeliveryMessage, type TmuxCommandMessage } from '../src/diagnostics.js';
import { Orchestrator } from '../src/orchestrator.js';
import { createTestServer, fakeAgentCommand, retryUntil, type TestServer } from '../src/testing/index.js';

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

/** Collects what is published on a channel while `body` runs. */
async function collect<T>(name: string, body: () => Promise<void>): Promise<T[]> {
  const seen: T[] = [];
  const listener = (message: unknown): void => {
    seen.push(message as T);
  };
  subscribe(name, listener);
  try {
    await body();
  } finally {
    unsubscribe(name, listener);
  }
  return seen;
}

it('publishes every tmux command with its name, duration and outcome', async () => {
  const client = await tmux.connect();
  try {
    const seen = await collect<TmuxCommandMessage>(DIAGNOSTICS_CHANNELS.tmuxCommand, async () => {
      await client.run(['display-message', '-p', 'x']);
      await expect(client.run(['kill-pane', '-t', '%99999'])).rejects.toThrow();
    });
    const display = seen.find((message) => message.command === 'display-message');
    const failed = seen.find((message) => message.command === 'kill-pane');
    expect(display).toMatchObject({ ok: true });
    expect(display?.durationMs).toBeGreaterThan(0);
    expect(failed).toMatchObject({ ok: false, errorCode: 'ERR_TMUX_COMMAND' });
  } finally {
    await client.close();
  }
});

it('publishes deliveries and confirmed state changes of agents', async () => {
  const states = await collect<AgentStateMessage>(DIAGNOSTICS_CHANNELS.agentState, async () => {
    const deliveries = await collect<DeliveryMessage>(DIAGNOSTICS_CHANNELS.delivery, async () => {
      const agent = await orc.spawn({
        name: 'diag',
        kind: 'claude-code',
        command: fakeAgentCommand({ log: join(tmux.directory, 'diag.jsonl'), script: { workMs: 50 } }),
      });
      await agent.send('hello');
      await retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 10_000 });
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ agent: 'diag', ok: true, attempts: 1 });
  });
  expect(states.length).toBeGreaterThan(0);
  expect(states.every((message) => message.agent === 'diag' && message.kind === 'claude-code' && message.from !== message.to)).toBe(true);
  expect(states.at(-1)?.to).toBe('idle');
});
