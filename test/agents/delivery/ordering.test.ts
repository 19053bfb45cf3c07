import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bracketedPasteDelivery } from '../../../src/agents/delivery/bracketed-paste.js';
import { deliver, type DeliveryReceipt } from '../../../src/agents/delivery/deliver.js';
import { literalKeysDelivery } from '../../../src/agents/delivery/literal-keys.js';
import { Mailbox } from '../../../src/agents/delivery/mailbox.js';
import { createTestServer, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { startLineApp } from './support/line-app.js';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

/** Message `i` to `agent`: several lines, so that interleaved typing would show. */
function message(agent: string, i: number): string {
  return `${agent} message ${i}\nsecond line of ${i} with 'quotes' and $HOME\nthird line of ${i} 😀`;
}

describe('deliveries through a Mailbox', () => {
  it('reach one agent in the order sent, never interleaved, when 200 are sent at once', async () => {
    const app = await startLineApp(client, scratch);
    const mailbox = new Mailbox();
    // Both strategies take turns, so a paste overtaking typed keys would show.
    const paste = app.context(bracketedPasteDelivery());
    const keys = app.context(literalKeysDelivery());
    const messages = Array.from({ length: 200 }, (_, i) => message('solo', i));
    const deliveries = messages.map((text, i) => mailbox.enqueue('solo', () => deliver(i % 2 === 0 ? paste : keys, text)));
    expect(mailbox.pending('solo')).toBe(200);
    const receipts = await Promise.all(deliveries);
    expect(receipts.every((receipt) => receipt.attempts === 1)).toBe(true);
    expect((await app.submitted()).map((entry) => entry.text)).toEqual(messages);
    expect(mailbox.totalPending).toBe(0);
  });

  it('serve 5 agents at once, each in its own order', async () => {
    const agents = await Promise.all(Array.from({ length: 5 }, () => startLineApp(client, scratch)));
    const mailbox = new Mailbox();
    let active = 0;
    let mostActive = 0;
    const sent = agents.map((_, a) => Array.from({ length: 20 }, (__, i) => message(`agent-${a}`, i)));
    const deliveries: Promise<DeliveryReceipt>[] = [];
    for (let i = 0; i < 20; i++) {
      for (const [a, app] of agents.entries()) {
        const context = app.context(bracketedPasteDelivery());
        deliveries.push(
          mailbox.enqueue(`agent-${a}`, async () => {
            active += 1;
            mostActive = Math.max(mostActive, active);
            try {
              return await deliver(context, sent[a]?.[i] as string);
            } finally {
              active -= 1;
            }
          }),
        );
      }
    }
    await Promise.all(deliveries);
    for (const [a, app] of agents.entries()) expect((await app.submitted()).map((entry) => entry.text)).toEqual(sent[a]);
    expect(mostActive).toBe(5);
  });
});
