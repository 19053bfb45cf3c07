/**
 * Terminal text for the fake agent's screens: how many columns a string
 * takes, how it wraps, and how to show control characters.
 *
 * @module
 */

/** Combining marks, joiners and variation selectors take no column. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;

/** Columns one code point takes in a terminal: 0, 1 or 2 (East Asian wide and emoji). */
export function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (code < 0x300) return 1;
  if (ZERO_WIDTH.test(char)) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x1fa70 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Columns `text` takes (no control characters expected: see {@link printable}). */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/**
 * `text` as it can be drawn on one line: a tab becomes four spaces, other
 * control characters a caret notation such as `^[` (drawn text only; what
 * was typed is kept as it is).
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, (char) => {
    if (char === '\t') return '    ';
    const code = char.charCodeAt(0);
    return code < 0x20 ? `^${String.fromCharCode(code + 0x40)}` : code === 0x7f ? '^?' : '?';
  });
}

/**
 * Cuts one line of text (no newlines) into pieces at most `width` columns
 * wide, breaking after a space when one is near and anywhere otherwise.
 * The pieces joined give `text` back. An empty text gives one empty piece.
 */
export function wrapLine(text: string, width: number): string[] {
  const columns = Math.max(1, width);
  const pieces: string[] = [];
  let piece = '';
  let pieceWidth = 0;
  let lastSpace = -1; // index in `piece` just after its last space
  for (const char of text) {
    const w = charWidth(char);
    if (pieceWidth + w > columns && piece !== '') {
      if (lastSpace > 0 && lastSpace < piece.length) {
        pieces.push(piece.slice(0, lastSpace));
        piece = piece.slice(lastSpace);
      } else {
        pieces.push(piece);
        piece = '';
      }
      pieceWidth = textWidth(piece);
      lastSpace = -1;
    }
    piece += char;
    pieceWidth += w;
    if (char === ' ') lastSpace = piece.length;
  }
  pieces.push(piece);
  return pieces;
}

/** `text` cut to at most `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}
