import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputDecoder, type InputEvent, type KeyName } from '../../src/testing/fake-agent/input.js';
import { cutOffsets, splitAt } from '../support/chunks.js';

const ESC = '\u001b';

/** Decodes `chunks` in order, then gives up on a trailing lone ESC. */
function decode(...chunks: (string | Uint8Array)[]): InputEvent[] {
  const decoder = new InputDecoder();
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.flush()];
}

const key = (name: KeyName): InputEvent => ({ type: 'key', name });
const text = (value: string): InputEvent => ({ type: 'text', text: value });
const paste = (value: string): InputEvent => ({ type: 'paste', text: value });

/** Merges adjacent text events, as one decoder sees text split across chunks. */
function mergeText(events: readonly InputEvent[]): InputEvent[] {
  const merged: InputEvent[] = [];
  for (const event of events) {
    const last = merged.at(-1);
    if (event.type === 'text' && last?.type === 'text') merged[merged.length - 1] = text(last.text + event.text);
    else merged.push(event);
  }
  return merged;
}

describe('InputDecoder', () => {
  it('reads typed text, the keys that edit and submit, and drops other control bytes', () => {
    expect(decode('héllo 日本 😀\tx\r')).toEqual([text('héllo 日本 😀\tx'), key('enter')]);
    expect(decode('a\nb\u007fc\bd\u0003\u0015')).toEqual([
      text('a'),
      key('newline'),
      text('b'),
      key('backspace'),
      text('c'),
      key('backspace'),
      text('d'),
      key('ctrl-c'),
      key('ctrl-u'),
    ]);
    expect(decode('a\u0001\u0002b')).toEqual([text('ab')]);
  });

  it('reads arrows in both encodings and drops other sequences', () => {
    expect(decode(`${ESC}[A${ESC}[B${ESC}OC${ESC}OD`)).toEqual([key('up'), key('down'), key('right'), key('left')]);
    expect(decode(`a${ESC}[1;5Ab${ESC}[3~c${ESC}[I`)).toEqual([text('a'), text('b'), text('c')]);
  });

  it('takes ESC as the Escape key when no sequence follows', () => {
    expect(decode(`${ESC}`)).toEqual([key('escape')]);
    expect(decode(`${ESC}x`)).toEqual([key('escape'), text('x')]);
    expect(decode(`${ESC}${ESC}[A`)).toEqual([key('escape'), key('up')]);
  });

  it('waits for the rest of a sequence cut by a chunk boundary', () => {
    const decoder = new InputDecoder();
    expect(decoder.push(ESC)).toEqual([]);
    expect(decoder.pendingEscape).toBe(true);
    expect(decoder.push('[')).toEqual([]);
    expect(decoder.pendingEscape).toBe(false);
    expect(decoder.push('A')).toEqual([key('up')]);
    expect(decoder.flush()).toEqual([]);
  });

  it('keeps a bracketed paste verbatim, Enter and ESC included, with CR and CRLF read as LF', () => {
    expect(decode(`${ESC}[200~a\rb\r\nc\nd${ESC}[A\u0003${ESC}[201~\r`)).toEqual([paste(`a\nb\nc\nd${ESC}[A\u0003`), key('enter')]);
    expect(decode(`${ESC}[200~${ESC}[201~`)).toEqual([paste('')]);
  });

  it('decodes UTF-8 split anywhere', () => {
    const bytes = Buffer.from('é日😀');
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(mergeText(decode(bytes.subarray(0, cut), bytes.subarray(cut)))).toEqual([text('é日😀')]);
    }
  });

  it('gives the same events however the input is cut into chunks', () => {
    const typed = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((value) => !/[\u0000-\u001f\u007f]/u.test(value) || value === '\t');
    const pasted = fc.string({ unit: 'binary', maxLength: 30 }).filter((value) => value.isWellFormed() && !value.includes(`${ESC}[201~`));
    const event = fc.oneof(
      typed.map((value) => ({ bytes: value, event: text(value) })),
      pasted.map((value) => ({ bytes: `${ESC}[200~${value}${ESC}[201~`, event: paste(value.replace(/\r\n?/gu, '\n')) })),
      fc.constantFrom<[string, KeyName]>(['\r', 'enter'], ['\n', 'newline'], ['\u007f', 'backspace'], [`${ESC}[A`, 'up'], ['\u0003', 'ctrl-c']).map(
        ([bytes, name]) => ({ bytes, event: key(name) }),
      ),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), cutOffsets, (events, offsets) => {
        const input = Buffer.from(events.map((e) => e.bytes).join(''));
        expect(mergeText(decode(...splitAt(input, offsets)))).toEqual(mergeText(events.map((e) => e.event)));
      }),
    );
  });
});
