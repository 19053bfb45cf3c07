import { describe, expect, it } from 'vitest';
import type { ReplyBlock } from '../../src/tmux/protocol.js';
import { RepeatedReplies } from '../../src/tmux/repeated-replies.js';

/** A reply whose lines count how often they are decoded. */
function reply(lines: readonly string[]): { block: ReplyBlock; decodes: () => number } {
  let decodes = 0;
  const content = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
  const block: ReplyBlock = {
    kind: 'reply',
    ok: true,
    time: 1,
    number: 1,
    flags: 1,
    content,
    get lines() {
      decodes++;
      return content.toString('utf8').split('\n').slice(0, -1);
    },
  };
  return { block, decodes: () => decodes };
}

const SCREEN = Array.from({ length: 24 }, (_, i) => `line ${i} ${'─'.repeat(40)}`);

describe('RepeatedReplies', () => {
  it('hands out the remembered lines, copied, when a reply repeats byte for byte', () => {
    const replies = new RepeatedReplies();
    const first = replies.lines('capture-pane -p -t %1', reply(SCREEN).block);
    expect(first).toEqual(SCREEN);
    const again = reply(SCREEN);
    const second = replies.lines('capture-pane -p -t %1', again.block);
    expect(again.decodes()).toBe(0);
    expect(second).toEqual(SCREEN);
    expect(second).not.toBe(first);
    // What a caller does to its copy reaches nobody else.
    first.pop();
    second[0] = 'changed';
    expect(replies.lines('capture-pane -p -t %1', reply(SCREEN).block)).toEqual(SCREEN);
  });

  it('decodes a reply that differs, and remembers it in place of the last', () => {
    const replies = new RepeatedReplies();
    replies.lines('capture-pane -p -t %1', reply(SCREEN).block);
    const changed = [...SCREEN.slice(1), 'new line'.repeat(10)];
    const next = reply(changed);
    expect(replies.lines('capture-pane -p -t %1', next.block)).toEqual(changed);
    expect(next.decodes()).toBe(1);
    const repeat = reply(changed);
    expect(replies.lines('capture-pane -p -t %1', repeat.block)).toEqual(changed);
    expect(repeat.decodes()).toBe(0);
  });

  it('keeps command lines apart, and decodes short replies every time', () => {
    const replies = new RepeatedReplies();
    replies.lines('capture-pane -p -t %1', reply(SCREEN).block);
    const other = reply(SCREEN);
    replies.lines('capture-pane -p -t %2', other.block);
    expect(other.decodes()).toBe(1);
    const short = ['%1 @1 0'];
    replies.lines('list-panes', reply(short).block);
    const shortAgain = reply(short);
    expect(replies.lines('list-panes', shortAgain.block)).toEqual(short);
    expect(shortAgain.decodes()).toBe(1);
  });

  it('forgets the least recent command lines beyond its limits', () => {
    const replies = new RepeatedReplies({ maxEntries: 2 });
    for (const pane of ['%1', '%2', '%3']) replies.lines(`capture-pane -p -t ${pane}`, reply(SCREEN).block);
    const oldest = reply(SCREEN);
    replies.lines('capture-pane -p -t %1', oldest.block);
    expect(oldest.decodes()).toBe(1);
    const recent = reply(SCREEN);
    replies.lines('capture-pane -p -t %3', recent.block);
    expect(recent.decodes()).toBe(0);
  });
});
