import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bracketedPasteDelivery } from '../../../src/agents/delivery/bracketed-paste.js';
import { deliver } from '../../../src/agents/delivery/deliver.js';
import { literalKeysDelivery } from '../../../src/agents/delivery/literal-keys.js';
import type { DeliveryStrategy } from '../../../src/agents/delivery/strategy.js';
import { createTestServer, retryUntil, type TestServer } from '../../../src/testing/index.js';
import { TmuxClient } from '../../../src/tmux/client.js';
import { ExecRunner } from '../../../src/tmux/exec.js';
import { startLineApp, type LineApp } from './support/line-app.js';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;
/** A file that only a format expansion `#(touch …)` would create. */
let forbidden: string;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
  forbidden = join(scratch, 'format-ran');
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

/** Messages that mean something to tmux, a shell, a terminal or a UTF-8 decoder. */
function trickyMessages(): string[] {
  return [
    `it's "double" and 'single' and \`back\``,
    'one; kill-server; two \\; three',
    '$HOME ${HOME} ~ ~/x $(echo no)',
    '#{pane_id} #S #[fg=red] ## #',
    `#(touch ${forbidden})`,
    'back\\slash \\n \\\\ \\033 \\',
    'tab\there\t\tand\tthere\t',
    'first line\nsecond line\n\nfourth line after an empty one',
    'emoji 😀 👩‍💻 🇫🇷 👍🏽 e\u0301',
    'CJK 漢字 かな カナ 한국어 中文',
    '  spaces before and after  ',
    '-starts with a dash',
    '{ a block } %if 1 %endif',
  ];
}

/** About 100 KB of every tricky message over and over, on many lines. */
function largeMessage(): string {
  const block = trickyMessages().join('\n');
  const copies = Math.ceil((100 * 1024) / Buffer.byteLength(block));
  return Array.from({ length: copies }, (_, i) => `copy ${i}: ${block}`).join('\n');
}

/** Each strategy with its defaults, and with pieces so short that they cut through every kind of character. */
const strategies: [string, () => DeliveryStrategy][] = [
  ['literal-keys', () => literalKeysDelivery()],
  ['literal-keys in 3-unit chunks', () => literalKeysDelivery({ chunkSize: 3 })],
  ['bracketed-paste', () => bracketedPasteDelivery()],
  ['bracketed-paste loaded in 3-unit parts', () => bracketedPasteDelivery({ bufferChunkSize: 3 })],
];

describe.each(strategies)('%s', (_name, makeStrategy) => {
  let app: LineApp;
  beforeAll(async () => {
    app = await startLineApp(client, scratch);
  });

  it('delivers tricky text byte for byte, each message once', async () => {
    const messages = trickyMessages();
    const context = app.context(makeStrategy());
    for (const message of messages) {
      const receipt = await deliver(context, message);
      expect(receipt).toMatchObject({ delivered: true, attempts: 1, verifiedBy: 'input-cleared', strategy: context.strategy.name });
    }
    expect((await app.submitted()).map((entry) => entry.text)).toEqual(messages);
    expect(existsSync(forbidden)).toBe(false);
  });

  it('types multi-line text without submitting any line', async () => {
    const strategy = makeStrategy();
    const target = { client, paneId: app.paneId };
    const message = 'line one\nline two\r\nline three\n';
    const before = (await app.submitted()).length;
    await strategy.type(target, message);
    // The whole text is in the input line (its end shows) and nothing was submitted.
    await retryUntil(async () => (await client.capturePane(app.paneId)).some((line) => line.endsWith('three↵')), {
      description: 'the typed text in the input line',
    });
    expect(await app.submitted()).toHaveLength(before);
    await strategy.submit(target);
    await retryUntil(async () => (await app.submitted()).length > before, { description: 'the submitted message' });
    const submitted = (await app.submitted()).slice(before);
    // A paste carries CR as it is; typed keys turn every line break into newlineKeys.
    const expected = strategy.name === 'bracketed-paste' ? message : 'line one\nline two\nline three\n';
    expect(submitted.map((entry) => entry.text)).toEqual([expected]);
  });
});

describe('large text', () => {
  it.each(strategies.filter(([name]) => !name.includes('-unit ')))('%s delivers 100 KB byte for byte', async (_name, makeStrategy) => {
    const message = largeMessage();
    expect(Buffer.byteLength(message)).toBeGreaterThanOrEqual(100 * 1024);
    const app = await startLineApp(client, scratch);
    const receipt = await deliver(app.context(makeStrategy()), message);
    expect(receipt.attempts).toBe(1);
    const submitted = await app.submitted();
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.text === message).toBe(true);
    expect(existsSync(forbidden)).toBe(false);
  });

  it('bracketed-paste delivers 100 KB through a tmux process per command too', async () => {
    // A `tmux` process refuses a command over 16 KB: the text must be loaded in parts.
    const message = largeMessage();
    const processes = new TmuxClient(new ExecRunner(tmux.server));
    const app = await startLineApp(processes, scratch);
    await deliver(app.context(bracketedPasteDelivery()), message);
    const submitted = await app.submitted();
    expect(submitted).toHaveLength(1);
    expect(submitted[0]?.text === message).toBe(true);
  });
});

describe('bracketed-paste buffers', () => {
  it('uses a new buffer for every paste and leaves none behind, even across concurrent deliveries', async () => {
    const apps = await Promise.all(Array.from({ length: 4 }, () => startLineApp(client, scratch)));
    const messages = apps.map((_, i) => `message for app ${i}\nwith a second line`);
    await Promise.all(apps.map((app, i) => deliver(app.context(bracketedPasteDelivery()), messages[i] as string)));
    for (const [i, app] of apps.entries()) expect((await app.submitted()).map((entry) => entry.text)).toEqual([messages[i]]);
    const buffers = await client.run(['list-buffers', '-F', '#{buffer_name}']);
    expect(buffers.filter((name) => name.startsWith('tmo-delivery-'))).toEqual([]);
  });

  it('deletes its buffer when the paste fails', async () => {
    const strategy = bracketedPasteDelivery();
    await expect(strategy.type({ client, paneId: '%99999' }, 'for nobody')).rejects.toThrow(/can't find pane/u);
    const buffers = await client.run(['list-buffers', '-F', '#{buffer_name}']);
    expect(buffers.filter((name) => name.startsWith('tmo-delivery-'))).toEqual([]);
  });

  it('pastes into a program that did not ask for bracketed paste, newlines still newlines', async () => {
    const app = await startLineApp(client, scratch, { bracketedPaste: false });
    const message = 'no brackets\nstill one message';
    await deliver(app.context(bracketedPasteDelivery()), message);
    expect((await app.submitted()).map((entry) => entry.text)).toEqual([message]);
  });
});
