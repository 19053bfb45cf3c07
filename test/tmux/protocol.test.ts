import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../src/tmux/notifications.js';
import { ControlModeParser, type ControlMessage } from '../../src/tmux/protocol.js';
import { unicodeText } from '../support/arbitraries.js';
import { cutOffsets, splitAt } from '../support/chunks.js';
import { escapeOutput } from '../support/output-escape.js';

/** Messages with `%output` data as plain arrays, so Buffers and Uint8Arrays compare equal. */
function plain(messages: readonly ControlMessage[]): unknown[] {
  return messages.map((message) => {
    if (message.kind === 'output') return { ...message, data: [...message.data] };
    if (message.kind === 'reply') {
      const { kind, ok, time, number, flags, lines, content } = message;
      return { kind, ok, time, number, flags, lines, content: content.toString('hex') };
    }
    return message;
  });
}

function parse(text: string | Buffer, options: { notificationsInBlocks?: boolean } = {}): unknown[] {
  return plain(new ControlModeParser(options).push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text));
}

/** A reply block as `plain` shows it; its content is the lines' bytes (given, or the lines encoded), each with a newline. */
const reply = (ok: boolean, time: number, number: number, flags: number, lines: string[], bytes?: readonly Buffer[]): unknown => ({
  kind: 'reply',
  ok,
  time,
  number,
  flags,
  lines,
  content: Buffer.concat((bytes ?? lines.map((line) => Buffer.from(line, 'utf8'))).flatMap((line) => [line, Buffer.from('\n')])).toString('hex'),
});

describe('ControlModeParser', () => {
  it('parses a reply block', () => {
    expect(parse('%begin 1795407121 275 1\nline one\n  line two \n%end 1795407121 275 1\n')).toEqual([
      reply(true, 1795407121, 275, 1, ['line one', '  line two ']),
    ]);
  });

  it('parses an error block with tmux’s message', () => {
    expect(parse("%begin 1795407121 280 1\ncan't find window: other\n%error 1795407121 280 1\n")).toEqual([
      reply(false, 1795407121, 280, 1, ["can't find window: other"]),
    ]);
  });

  it('reports the initial flags=0 block and the notifications after it', () => {
    const stream = '%begin 1795407119 264 0\n%end 1795407119 264 0\n%session-changed $0 main\n%output %0 \\033[?2004hroot@vm:/tmp# \n';
    expect(parse(stream)).toEqual([
      reply(true, 1795407119, 264, 0, []),
      { kind: 'session-changed', sessionId: '$0', name: 'main' },
      { kind: 'output', paneId: '%0', data: [...Buffer.from('\u001b[?2004hroot@vm:/tmp# ')], ageMs: 0 },
    ]);
  });

  it('parses notifications between blocks in order (as captured from tmux 3.3a)', () => {
    const stream = [
      '%begin 1795407121 272 1',
      '%end 1795407121 272 1',
      '%session-window-changed $0 @1',
      '%window-add @1',
      '%begin 1795407121 275 1',
      '%end 1795407121 275 1',
      '%window-renamed @1 renamed win',
      '%layout-change @1 419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2] 419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2] -',
      '%unlinked-window-close @1',
      '%exit',
      '',
    ].join('\n');
    expect(parse(stream)).toEqual([
      reply(true, 1795407121, 272, 1, []),
      { kind: 'session-window-changed', sessionId: '$0', windowId: '@1' },
      { kind: 'window-add', windowId: '@1' },
      reply(true, 1795407121, 275, 1, []),
      { kind: 'window-renamed', windowId: '@1', name: 'renamed win' },
      { kind: 'layout-change', windowId: '@1', layout: '419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2]' },
      { kind: 'unlinked-window-close', windowId: '@1' },
      { kind: 'exit' },
    ]);
  });

  it('parses %exit with and without a reason', () => {
    expect(parse('%exit\n')).toEqual([{ kind: 'exit' }]);
    expect(parse('%exit server exited unexpectedly\n')).toEqual([{ kind: 'exit', reason: 'server exited unexpectedly' }]);
  });

  it('ends a block only at a guard with the same time, number and flags', () => {
    const parser = new ControlModeParser();
    const lookalikes = [
      '%end 1795407121 276 0',
      '%end 1795407121 277 1',
      '%error 1795407122 276 1',
      '%begin 1795407121 276 1',
      '%end 1795407121 276 1 ',
      '%end 1795407121 276',
      '%end  1795407121 276 1',
    ];
    expect(parser.push(Buffer.from(['%begin 1795407121 276 1', ...lookalikes, ''].join('\n')))).toEqual([]);
    expect(parser.inBlock).toBe(true);
    expect(plain(parser.push(Buffer.from('%end 1795407121 276 1\n')))).toEqual([reply(true, 1795407121, 276, 1, lookalikes)]);
    expect(parser.inBlock).toBe(false);
  });

  it('keeps notification-like lines inside a block as content unless asked', () => {
    const stream = '%begin 1 2 1\nbefore\n%output %1 x\n%window-add @4\nafter\n%end 1 2 1\n';
    expect(parse(stream)).toEqual([reply(true, 1, 2, 1, ['before', '%output %1 x', '%window-add @4', 'after'])]);
    expect(parse(stream, { notificationsInBlocks: false })).toEqual(parse(stream));
    expect(parse(stream, { notificationsInBlocks: true })).toEqual([
      { kind: 'output', paneId: '%1', data: [0x78], ageMs: 0 },
      { kind: 'window-add', windowId: '@4' },
      reply(true, 1, 2, 1, ['before', 'after']),
    ]);
  });

  it('keeps malformed or unknown %-lines inside a block as content even when notifications may appear there', () => {
    const stream = '%begin 1 2 1\n%window-add nonsense\n%future-thing 1\n%output\n%end 1 2 1\n';
    expect(parse(stream, { notificationsInBlocks: true })).toEqual([
      reply(true, 1, 2, 1, ['%window-add nonsense', '%future-thing 1', '%output']),
    ]);
  });

  it('reports unknown notifications and stray lines outside blocks as unknown', () => {
    expect(parse('%future-thing a b\n%window-add nonsense\n%sessions-changed\nstray text\n\n%end 1 2 1\n')).toEqual([
      { kind: 'unknown', name: 'future-thing', line: '%future-thing a b' },
      { kind: 'unknown', name: 'window-add', line: '%window-add nonsense' },
      { kind: 'sessions-changed' },
      { kind: 'unknown', name: '', line: 'stray text' },
      { kind: 'unknown', name: '', line: '' },
      { kind: 'unknown', name: 'end', line: '%end 1 2 1' },
    ]);
  });

  it('keeps empty lines inside blocks', () => {
    expect(parse('%begin 1 2 1\n\n\nx\n\n%end 1 2 1\n')).toEqual([reply(true, 1, 2, 1, ['', '', 'x', ''])]);
  });

  it('treats CR as an ordinary character', () => {
    expect(parse('%begin 1 2 1\r\n')).toEqual([{ kind: 'unknown', name: 'begin', line: '%begin 1 2 1\r' }]);
    const parser = new ControlModeParser();
    expect(parser.push(Buffer.from('%begin 1 2 1\nline\r\n%end 1 2 1\r\n'))).toEqual([]);
    expect(plain(parser.push(Buffer.from('%end 1 2 1\n')))).toEqual([reply(true, 1, 2, 1, ['line\r', '%end 1 2 1\r'])]);
  });

  it('holds a partial line until its newline arrives', () => {
    const parser = new ControlModeParser();
    expect(parser.push(Buffer.from('%begin 1 2'))).toEqual([]);
    expect(parser.inBlock).toBe(false);
    expect(parser.push(Buffer.from(' 1\nhal'))).toEqual([]);
    expect(parser.inBlock).toBe(true);
    expect(parser.push(Buffer.from('f'))).toEqual([]);
    expect(parser.push(Buffer.from('\n%end 1 2 1'))).toEqual([]);
    expect(plain(parser.push(Buffer.from('\n')))).toEqual([reply(true, 1, 2, 1, ['half'])]);
  });

  it('decodes reply lines as UTF-8 and keeps %output bytes raw', () => {
    const stream = Buffer.concat([
      Buffer.from('%begin 1 2 1\nh\u00e9 \u4e16\u754c \ud83d\ude00\n'),
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a]),
      Buffer.from('%end 1 2 1\n%output %3 '),
      Buffer.from([0xe4, 0xb8]),
      Buffer.from('\n%output %3 '),
      Buffer.from([0x96, 0xff, 0x5c, 0x30, 0x31, 0x32, 0x0a]),
    ]);
    expect(parse(stream)).toEqual([
      reply(true, 1, 2, 1, ['h\u00e9 \u4e16\u754c \ud83d\ude00', 'bad\ufffd'], [Buffer.from('h\u00e9 \u4e16\u754c \ud83d\ude00'), Buffer.from([0x62, 0x61, 0x64, 0xff])]),
      { kind: 'output', paneId: '%3', data: [0xe4, 0xb8], ageMs: 0 },
      { kind: 'output', paneId: '%3', data: [0x96, 0xff, 0x0a], ageMs: 0 },
    ]);
  });
});

// ---------------------------------------------------------------------------
// Property: a generated stream parses to the messages it was built from, however it is cut.

interface Line {
  readonly bytes: Buffer;
}
/** A line of command output: plain text or a notification-looking line. */
type ContentItem =
  | (Line & { readonly kind: 'text' })
  | (Line & { readonly kind: 'notification'; readonly expected: Notification })
  | { readonly kind: 'lookalike'; readonly variant: number };
type StreamItem =
  | { readonly kind: 'block'; readonly time: number; readonly number: number; readonly flags: number; readonly ok: boolean; readonly content: readonly ContentItem[] }
  | (Line & { readonly kind: 'notification'; readonly expected: Notification })
  | (Line & { readonly kind: 'stray' });

const textLine = (text: string): Line => ({ bytes: Buffer.from(text, 'utf8') });

const outputNotification: fc.Arbitrary<Line & { kind: 'notification'; expected: Notification }> = fc
  .tuple(fc.nat({ max: 999 }), fc.uint8Array({ maxLength: 200 }), fc.option(fc.nat({ max: 100_000 }), { nil: undefined }))
  .map(([pane, data, age]) => ({
    kind: 'notification',
    bytes: Buffer.concat([
      Buffer.from(age === undefined ? `%output %${pane} ` : `%extended-output %${pane} ${age} : `),
      escapeOutput(data),
    ]),
    expected: { kind: 'output', paneId: `%${pane}`, data, ageMs: age ?? 0 },
  }));

const FIXED_NOTIFICATIONS: ReadonlyArray<readonly [string, Notification]> = [
  ['%window-add @4', { kind: 'window-add', windowId: '@4' }],
  ['%sessions-changed', { kind: 'sessions-changed' }],
  ['%session-renamed $1 oth er', { kind: 'session-renamed', sessionId: '$1', name: 'oth er' }],
  ['%window-renamed @1 na\u00efve w\u00efn', { kind: 'window-renamed', windowId: '@1', name: 'na\u00efve w\u00efn' }],
  ['%pause %0', { kind: 'pause', paneId: '%0' }],
  [
    '%subscription-changed s1 $0 @0 0 %0 : a : b',
    { kind: 'subscription-changed', name: 's1', sessionId: '$0', windowId: '@0', paneId: '%0', value: 'a : b' },
  ],
  ['%future-thing a b', { kind: 'unknown', name: 'future-thing', line: '%future-thing a b' }],
];

const fixedNotification = fc
  .constantFrom(...FIXED_NOTIFICATIONS)
  .map(([line, expected]) => ({ kind: 'notification' as const, ...textLine(line), expected }));

/** Only notifications the parser recognises inside blocks (unknown ones stay content there). */
const knownNotification = fc.oneof(outputNotification, fixedNotification.filter((item) => item.expected.kind !== 'unknown'));

/** Text that is neither a guard nor a notification: no newline, no leading `%`. */
const plainText = unicodeText(40).map((text) => text.replaceAll('\n', '\r').replace(/^%/u, '#'));

const contentItem: fc.Arbitrary<ContentItem> = fc.oneof(
  { weight: 6, arbitrary: plainText.map((text) => ({ kind: 'text' as const, ...textLine(text) })) },
  { weight: 1, arbitrary: fc.constantFrom('', '%not-a-notification', '%window-add x', '%output').map((text) => ({ kind: 'text' as const, ...textLine(text) })) },
  { weight: 2, arbitrary: fc.nat({ max: 4 }).map((variant) => ({ kind: 'lookalike' as const, variant })) },
  { weight: 2, arbitrary: knownNotification },
);

const streamItem: fc.Arbitrary<StreamItem> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('block' as const),
      time: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
      number: fc.nat({ max: 1_000_000 }),
      flags: fc.constantFrom(0, 1),
      ok: fc.boolean(),
      content: fc.array(contentItem, { maxLength: 8 }),
    }),
  },
  { weight: 2, arbitrary: outputNotification },
  { weight: 1, arbitrary: fixedNotification },
  { weight: 1, arbitrary: plainText.map((text) => ({ kind: 'stray' as const, ...textLine(text) })) },
);

/** A content line that looks like the block's own guard but is not. */
function lookalike(item: Extract<StreamItem, { kind: 'block' }>, variant: number): string {
  const { time, number, flags } = item;
  return [
    `%end ${time} ${number + 1} ${flags}`,
    `%error ${time} ${number} ${1 - flags}`,
    `%begin ${time} ${number} ${flags}`,
    `%end ${time} ${number} ${flags}\r`,
    `%end ${time + 1} ${number} ${flags} trailing`,
  ][variant] as string;
}

function serialise(items: readonly StreamItem[]): Buffer {
  const lines: Buffer[] = [];
  for (const item of items) {
    if (item.kind !== 'block') {
      lines.push(item.bytes);
      continue;
    }
    const guard = `${item.time} ${item.number} ${item.flags}`;
    lines.push(Buffer.from(`%begin ${guard}`));
    for (const content of item.content) lines.push(content.kind === 'lookalike' ? Buffer.from(lookalike(item, content.variant)) : content.bytes);
    lines.push(Buffer.from(`%${item.ok ? 'end' : 'error'} ${guard}`));
  }
  return Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
}

function expectedMessages(items: readonly StreamItem[], notificationsInBlocks: boolean): unknown[] {
  const messages: unknown[] = [];
  for (const item of items) {
    if (item.kind === 'notification') messages.push(...plain([item.expected]));
    else if (item.kind === 'stray') messages.push({ kind: 'unknown', name: '', line: item.bytes.toString('utf8') });
    else {
      const bytes: Buffer[] = [];
      for (const content of item.content) {
        if (content.kind === 'lookalike') bytes.push(Buffer.from(lookalike(item, content.variant)));
        else if (content.kind === 'notification' && notificationsInBlocks) messages.push(...plain([content.expected]));
        else bytes.push(content.bytes);
      }
      messages.push(reply(item.ok, item.time, item.number, item.flags, bytes.map((line) => line.toString('utf8')), bytes));
    }
  }
  return messages;
}

describe('ControlModeParser on generated streams', () => {
  it('yields the messages a stream was built from, whole or cut anywhere', () => {
    fc.assert(
      fc.property(fc.array(streamItem, { maxLength: 12 }), cutOffsets, fc.boolean(), (items, cuts, notificationsInBlocks) => {
        const stream = serialise(items);
        const expected = expectedMessages(items, notificationsInBlocks);
        expect(parse(stream, { notificationsInBlocks })).toEqual(expected);
        const parser = new ControlModeParser({ notificationsInBlocks });
        expect(plain(splitAt(stream, cuts).flatMap((chunk) => parser.push(chunk)))).toEqual(expected);
        expect(parser.inBlock).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('yields the same messages when fed one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(streamItem, { maxLength: 4 }), fc.boolean(), (items, notificationsInBlocks) => {
        const stream = serialise(items);
        const parser = new ControlModeParser({ notificationsInBlocks });
        const messages = [...stream].flatMap((byte) => parser.push(Uint8Array.of(byte)));
        expect(plain(messages)).toEqual(expectedMessages(items, notificationsInBlocks));
      }),
      { numRuns: 200 },
    );
  });
});
