/**
 * Cutting text into pieces of bounded length without breaking a character.
 *
 * @module
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * How far around a cut to look for the boundary of a grapheme cluster, in
 * code units. Segmenting only this window keeps cutting linear: V8's
 * segmenter slows down more than linearly on long strings.
 */
const WINDOW = 64;

/**
 * Cuts `text` into pieces of at most `maxLength` UTF-16 code units, in order,
 * that join back into `text`. Cuts fall between grapheme clusters (an emoji
 * with its modifiers, a letter with its combining marks stay together); a
 * cluster longer than `maxLength` (or than the 64 code units looked at) is cut
 * between code points. No piece ever holds half a surrogate pair, so a piece
 * is one code unit longer than `maxLength` only when `maxLength` is 1 and
 * the piece is a surrogate pair.
 *
 * @internal
 */
export function splitText(text: string, maxLength: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    const end = cutAfter(text, start, maxLength);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Where the piece that begins at `start` ends. */
function cutAfter(text: string, start: number, maxLength: number): number {
  const limit = start + maxLength;
  if (limit >= text.length) return text.length;
  const from = Math.max(start, limit - WINDOW);
  let cut = -1;
  for (const { index } of graphemes.segment(text.slice(from, limit + WINDOW))) {
    // The window's own start may fall inside a cluster: it is no boundary to trust.
    if (index === 0) continue;
    if (from + index > limit) break;
    cut = from + index;
  }
  if (cut > start) return cut;
  if (isHighSurrogate(text.charCodeAt(limit - 1)) && isLowSurrogate(text.charCodeAt(limit))) {
    return limit - 1 > start ? limit - 1 : limit + 1;
  }
  return limit;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
