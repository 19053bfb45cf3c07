import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaneTextDecoder, unescapeOutput } from '../../src/tmux/escape.js';
import { unicodeText } from '../support/arbitraries.js';
import { cutOffsets, splitAt } from '../support/chunks.js';
import { escapeOutput } from '../support/output-escape.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const unescaped = (text: string): number[] => [...unescapeOutput(bytes(text))];

describe('unescapeOutput', () => {
  it('passes text without escapes through unchanged', () => {
    expect(unescaped('hello world')).toEqual([...bytes('hello world')]);
    expect(unescaped('')).toEqual([]);
  });

  it('decodes three-digit octal escapes', () => {
    expect(unescaped('a\\015\\012')).toEqual([0x61, 0x0d, 0x0a]);
    expect(unescaped('\\000\\001\\033[0m')).toEqual([0x00, 0x01, 0x1b, ...bytes('[0m')]);
    expect(unescaped('\\037')).toEqual([0x1f]);
    expect(unescaped('C:\\134x')).toEqual([...bytes('C:\\x')]);
    expect(unescaped('\\134\\134')).toEqual([0x5c, 0x5c]);
    expect(unescaped('\\1234')).toEqual([0o123, 0x34]);
  });

  it('keeps a backslash that does not start a three-digit octal escape', () => {
    expect(unescaped('a\\')).toEqual([...bytes('a\\')]);
    expect(unescaped('\\01')).toEqual([...bytes('\\01')]);
    expect(unescaped('\\01x')).toEqual([...bytes('\\01x')]);
    expect(unescaped('\\8000')).toEqual([...bytes('\\8000')]);
    expect(unescaped('\\n')).toEqual([...bytes('\\n')]);
  });

  it('passes raw bytes above 0x1f through, including DEL and split UTF-8', () => {
    const raw = Buffer.from([0x7f, 0xc3, 0xa9, 0xe4, 0xb8, 0xff]);
    expect([...unescapeOutput(raw)]).toEqual([...raw]);
  });

  it('inverts tmux’s escaping for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const escaped = escapeOutput(data);
        // An escaped notification is one line: no byte below 0x20 survives.
        expect(escaped.some((byte) => byte < 0x20)).toBe(false);
        expect(Buffer.from(unescapeOutput(escaped))).toEqual(Buffer.from(data));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PaneTextDecoder', () => {
  it('joins a character split across chunks and holds back the incomplete part', () => {
    const decoder = new PaneTextDecoder();
    const euro = Buffer.from('€', 'utf8');
    expect(decoder.decode('%1', euro.subarray(0, 1))).toBe('');
    expect(decoder.decode('%1', euro.subarray(1, 2))).toBe('');
    expect(decoder.decode('%1', Buffer.concat([euro.subarray(2), Buffer.from('!')]))).toBe('€!');
  });

  it('keeps each pane’s partial character apart', () => {
    const decoder = new PaneTextDecoder();
    const world = Buffer.from('世', 'utf8');
    const smile = Buffer.from('😀', 'utf8');
    expect(decoder.decode('%1', world.subarray(0, 2))).toBe('');
    expect(decoder.decode('%2', smile.subarray(0, 1))).toBe('');
    expect(decoder.decode('%2', smile.subarray(1))).toBe('😀');
    expect(decoder.decode('%1', world.subarray(2))).toBe('世');
    expect(decoder.size).toBe(2);
  });

  it('turns invalid bytes into U+FFFD', () => {
    const decoder = new PaneTextDecoder();
    expect(decoder.decode('%1', Buffer.from([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
  });

  it('keeps a U+FEFF at the start of a pane’s output', () => {
    const decoder = new PaneTextDecoder();
    expect(decoder.decode('%1', Buffer.from('\ufeffa', 'utf8'))).toBe('\ufeffa');
  });

  it('flushes held-back bytes as U+FFFD and forgets the pane', () => {
    const decoder = new PaneTextDecoder();
    expect(decoder.decode('%1', Buffer.from([0xe2, 0x82]))).toBe('');
    expect(decoder.size).toBe(1);
    expect(decoder.flush('%1')).toBe('\ufffd');
    expect(decoder.size).toBe(0);
    expect(decoder.flush('%1')).toBe('');
    expect(decoder.flush('%never-seen')).toBe('');
    // A pane decoded after a flush starts fresh.
    expect(decoder.decode('%1', Buffer.from([0x82, 0xac]))).toBe('\ufffd\ufffd');
  });

  it('decodes any text split at any byte offsets to the same text', () => {
    fc.assert(
      fc.property(unicodeText(80), cutOffsets, (text, cuts) => {
        const decoder = new PaneTextDecoder();
        const decoded = splitAt(Buffer.from(text, 'utf8'), cuts).map((chunk) => decoder.decode('%7', chunk));
        expect(decoded.join('')).toBe(text);
        expect(decoder.flush('%7')).toBe('');
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps interleaved panes separate', () => {
    fc.assert(
      fc.property(
        unicodeText(60),
        unicodeText(60),
        cutOffsets,
        cutOffsets,
        fc.array(fc.boolean(), { maxLength: 120 }),
        (first, second, firstCuts, secondCuts, order) => {
          const queues = { '%1': splitAt(Buffer.from(first, 'utf8'), firstCuts), '%2': splitAt(Buffer.from(second, 'utf8'), secondCuts) };
          const decoder = new PaneTextDecoder();
          const out = { '%1': '', '%2': '' };
          const step = (pane: '%1' | '%2'): void => {
            const chunk = queues[pane].shift();
            if (chunk !== undefined) out[pane] += decoder.decode(pane, chunk);
          };
          for (const pickFirst of order) step(pickFirst ? '%1' : '%2');
          while (queues['%1'].length > 0 || queues['%2'].length > 0) {
            step('%1');
            step('%2');
          }
          expect(out).toEqual({ '%1': first, '%2': second });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
