import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../../src/agents/delivery/chunks.js';
import { unicodeText } from '../../support/arbitraries.js';

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

describe('splitText', () => {
  it('returns short text whole and empty text as no pieces', () => {
    expect(splitText('hello', 5)).toEqual(['hello']);
    expect(splitText('', 5)).toEqual([]);
  });

  it('cuts long text into pieces of at most the limit', () => {
    expect(splitText('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });

  it('keeps a grapheme cluster whole when it fits', () => {
    const family = '\u{1F469}\u200D\u{1F4BB}'; // 5 code units
    expect(splitText(`ab${family}`, 6)).toEqual(['ab', family]);
    expect(splitText('xe\u0301y', 2)).toEqual(['x', 'e\u0301', 'y']);
  });

  it('cuts a cluster longer than the limit between code points, never inside a surrogate pair', () => {
    expect(splitText('😀😀', 1)).toEqual(['😀', '😀']);
    expect(splitText('\u{1F469}\u200D\u{1F4BB}', 3)).toEqual(['\u{1F469}\u200D', '\u{1F4BB}']);
  });

  it('always joins back into the text, in well-formed pieces within the limit', () => {
    fc.assert(
      fc.property(unicodeText(200), fc.integer({ min: 1, max: 40 }), (text, maxLength) => {
        const pieces = splitText(text, maxLength);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces) {
          expect(piece.length).toBeGreaterThan(0);
          // Only a lone code point may exceed the limit (a surrogate pair with a limit of 1).
          if (piece.length > maxLength) expect(Array.from(piece)).toHaveLength(1);
          expect(isLowSurrogate(piece.charCodeAt(0))).toBe(false);
          expect(isHighSurrogate(piece.charCodeAt(piece.length - 1))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cuts only between grapheme clusters, unless a cluster is longer than the limit', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(unicodeText(200), fc.integer({ min: 1, max: 40 }), (text, maxLength) => {
        const clusters = Array.from(segmenter.segment(text), ({ index, segment }) => ({ index, end: index + segment.length }));
        let offset = 0;
        for (const piece of splitText(text, maxLength).slice(0, -1)) {
          offset += piece.length;
          const inside = clusters.find((cluster) => cluster.index < offset && offset < cluster.end);
          if (inside !== undefined) expect(inside.end - inside.index).toBeGreaterThan(maxLength);
        }
      }),
      { numRuns: 200 },
    );
  });
});
