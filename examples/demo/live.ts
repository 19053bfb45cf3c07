/**
 * Puts the demo's state on the terminal: a frame redrawn in place (at most
 * five times a second) when the output is a terminal, otherwise each event as
 * a line and a status line every few seconds, for logs.
 *
 * @module
 */
import type { DemoState } from './state.js';
import { formatEvent, renderFrame, renderStatusLine } from './view.js';

/** Fewest milliseconds between two frames. */
const FRAME_INTERVAL_MS = 200;
/** Milliseconds between redraws when nothing happens (the clock moves on). */
const TICK_MS = 1_000;
/** Milliseconds between two status lines in log mode. */
const STATUS_INTERVAL_MS = 3_000;

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';

/** Shows a {@link DemoState} on a stream until stopped. */
export class LiveView {
  readonly #state: DemoState;
  readonly #stream: NodeJS.WriteStream;
  readonly #interactive: boolean;
  #unsubscribe: (() => void) | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #pending: NodeJS.Timeout | undefined;
  #lastDrawAt = -Infinity;
  #drawnLines = 0;

  /** @param interactive - redraw a frame (for a terminal) rather than print lines. */
  constructor(state: DemoState, stream: NodeJS.WriteStream, interactive: boolean) {
    this.#state = state;
    this.#stream = stream;
    this.#interactive = interactive;
  }

  /** Starts showing the state. */
  start(): void {
    if (this.#interactive) {
      this.#stream.write(HIDE_CURSOR);
      this.#unsubscribe = this.#state.subscribe(() => this.#schedule());
      this.#ticker = setInterval(() => this.#schedule(), TICK_MS);
      this.#stream.on('resize', this.#onResize);
      this.#draw();
    } else {
      this.#unsubscribe = this.#state.subscribe((event) => {
        if (event !== undefined) this.#stream.write(`${formatEvent(event)}\n`);
      });
      this.#ticker = setInterval(() => this.#stream.write(`${renderStatusLine(this.#state.model())}\n`), STATUS_INTERVAL_MS);
    }
    this.#ticker.unref();
  }

  /** Stops: a last frame (or status line), and the cursor back. Idempotent. */
  stop(): void {
    if (this.#unsubscribe === undefined) return;
    this.#unsubscribe();
    this.#unsubscribe = undefined;
    clearInterval(this.#ticker);
    clearTimeout(this.#pending);
    if (this.#interactive) {
      this.#stream.off('resize', this.#onResize);
      this.#draw();
      this.#stream.write(SHOW_CURSOR);
    } else {
      this.#stream.write(`${renderStatusLine(this.#state.model())}\n`);
    }
  }

  /** Draws soon: now if the last frame is old enough, else when it is. */
  #schedule(): void {
    if (this.#pending !== undefined) return;
    const wait = Math.max(0, this.#lastDrawAt + FRAME_INTERVAL_MS - performance.now());
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#draw();
    }, wait);
  }

  /** Writes a frame over the previous one (one line short of the screen, so nothing scrolls away). */
  #draw(): void {
    this.#lastDrawAt = performance.now();
    const frame = renderFrame(this.#state.model(), {
      width: this.#stream.columns ?? 80,
      height: Math.max(3, (this.#stream.rows ?? 24) - 1),
      color: true,
    });
    const up = this.#drawnLines > 0 ? `\r\u001b[${this.#drawnLines}A` : '';
    this.#stream.write(`${up}${frame.map((line) => `${line}${CLEAR_LINE_END}\n`).join('')}${CLEAR_BELOW}`);
    this.#drawnLines = frame.length;
  }

  /** After a resize the old frame's lines may have rewrapped: start from a clear screen. */
  readonly #onResize = (): void => {
    this.#stream.write('\u001b[H\u001b[2J');
    this.#drawnLines = 0;
    this.#schedule();
  };
}
