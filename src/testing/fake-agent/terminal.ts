/**
 * Draws the fake agent's lines on a terminal with cursor addressing,
 * rewriting only the rows that changed since the last frame.
 *
 * @module
 */
import type { Line, LineStyle } from './screen.js';
import { textWidth } from './text.js';

const CSI = '\u001b[';

const STYLE_SGR: Readonly<Record<LineStyle, string>> = {
  plain: '',
  rule: '38;5;244',
  dim: '38;5;246',
  spinner: '38;5;174',
  error: '38;5;211',
  selected: '38;5;153',
  bold: '1',
};

/** Hide the cursor (the caret is drawn), enable bracketed paste, clear the screen. */
const ENTER = `${CSI}?25l${CSI}?2004h${CSI}H${CSI}2J`;
/** Show the cursor, disable bracketed paste, reset attributes. */
const LEAVE = `${CSI}0m${CSI}?2004l${CSI}?25h`;

/** A terminal screen the fake agent draws on. */
export class TerminalScreen {
  readonly #write: (data: string) => void;
  /** The encoded rows on screen, or `undefined` when it must be repainted. */
  #rows: string[] | undefined;
  #size = '';
  #contentRows = 0;

  constructor(write: (data: string) => void) {
    this.#write = write;
  }

  /** Takes over the terminal. */
  enter(): void {
    this.#write(ENTER);
  }

  /** Forgets what is on screen: the next frame repaints everything (after a resize). */
  invalidate(): void {
    this.#rows = undefined;
  }

  /** Shows `lines` (each at most `width` columns) from the top of a `width`×`height` screen. */
  draw(lines: readonly Line[], width: number, height: number): void {
    const size = `${width}x${height}`;
    let out = '';
    if (this.#rows === undefined || size !== this.#size) {
      out += `${CSI}H${CSI}2J`;
      this.#rows = [];
      this.#size = size;
    }
    const previous = this.#rows;
    const rows: string[] = [];
    for (let row = 0; row < height; row += 1) {
      const line = lines[row];
      const encoded = line === undefined ? '' : encode(line, width);
      rows.push(encoded);
      if (encoded !== (previous[row] ?? '')) out += `${CSI}${row + 1};1H${encoded === '' ? `${CSI}2K` : encoded}`;
    }
    this.#rows = rows;
    this.#contentRows = Math.min(lines.length, height);
    if (out !== '') this.#write(out);
  }

  /**
   * Gives the terminal back: the last frame stays, and the cursor goes to
   * the start of the line under it, where whatever is printed next appears.
   */
  leave(height: number): void {
    const below = this.#contentRows + 1;
    const move = below > height ? `${CSI}${height};1H\r\n` : `${CSI}${below};1H`;
    this.#write(`${LEAVE}${move}`);
  }
}

/** A line as terminal output: styled text, the caret, and an erase of the rest of the row. */
function encode(line: Line, width: number): string {
  if (line.text === '' && line.caret !== true) return '';
  const sgr = STYLE_SGR[line.style ?? 'plain'];
  let used = textWidth(line.text);
  let out = sgr === '' || line.text === '' ? line.text : `${CSI}${sgr}m${line.text}${CSI}0m`;
  if (line.caret === true && used < width) {
    out += `${CSI}7m ${CSI}27m`;
    used += 1;
  }
  // Erasing from the last column would erase the character just written there.
  if (used < width) out += `${CSI}K`;
  return out;
}
