/**
 * The tmux control-mode protocol parser: bytes in, reply blocks and
 * notifications out. Pure: no I/O, no timers, so it is tested on its own.
 *
 * Every command line gets one reply block, `%begin T N F` … `%end T N F` (or
 * `%error T N F`). N is a server-wide counter; F is 1 for blocks answering
 * this client's commands and 0 otherwise (such as the block of the attach
 * itself). A block ends only at an `%end`/`%error` line whose three fields
 * match its `%begin`, so pane text that merely looks like `%end` cannot end a
 * block early.
 *
 * @module
 */
import { parseNotification, type Notification } from './notifications.js';

/** The reply to one command line. */
export interface ReplyBlock {
  /** Discriminant. */
  readonly kind: 'reply';
  /** `true` for `%end`, `false` for `%error` (then `lines` holds tmux's message). */
  readonly ok: boolean;
  /** Server time the command started, seconds since the epoch. */
  readonly time: number;
  /** Server-wide command number. */
  readonly number: number;
  /** 1 when the block answers this client's command, 0 otherwise. */
  readonly flags: number;
  /** The command's output lines, decoded as UTF-8, without line terminators. */
  readonly lines: readonly string[];
}

/** One message from a control-mode client's output: a reply or a notification. */
export type ControlMessage = ReplyBlock | Notification;

/** Options of {@link ControlModeParser}. */
export interface ControlModeParserOptions {
  /**
   * Treat lines inside a reply block that are well-formed notifications of a
   * known kind as notifications rather than output. Needed for tmux versions
   * that emit notifications inside blocks; off for versions that never do,
   * because a pane's text can look like a notification.
   * @default false
   */
  readonly notificationsInBlocks?: boolean;
}

interface OpenBlock {
  readonly guard: string;
  readonly time: number;
  readonly number: number;
  readonly flags: number;
  readonly lines: string[];
}

const NEWLINE = 0x0a;
const PERCENT = 0x25;
const GUARD = /^%(begin|end|error) (\d+) (\d+) (\d+)$/;

/**
 * Incremental parser for a control client's output stream.
 *
 * @example
 * const parser = new ControlModeParser({ notificationsInBlocks: tmuxFeatures(version).notificationsInBlocks });
 * parser.push(Buffer.from('%begin 1700000000 12 1\nwork\n%end 1700000000 12 1\n%window-add @2\n'));
 * // [{ kind: 'reply', ok: true, time: 1700000000, number: 12, flags: 1, lines: ['work'] },
 * //  { kind: 'window-add', windowId: '@2' }]
 */
export class ControlModeParser {
  readonly #notificationsInBlocks: boolean;
  #pending: Buffer[] = [];
  #block: OpenBlock | undefined;

  constructor(options: ControlModeParserOptions = {}) {
    this.#notificationsInBlocks = options.notificationsInBlocks ?? false;
  }

  /** `true` while a reply block has begun but not ended. */
  get inBlock(): boolean {
    return this.#block !== undefined;
  }

  /**
   * Consumes the next chunk of output and returns every message it completes.
   * A line split across chunks is held until its newline arrives.
   */
  push(chunk: Uint8Array): ControlMessage[] {
    const messages: ControlMessage[] = [];
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let newline = data.indexOf(NEWLINE);
    if (newline === -1) {
      if (data.length > 0) this.#pending.push(Buffer.from(data));
      return messages;
    }
    if (this.#pending.length > 0) {
      this.#pending.push(data);
      data = Buffer.concat(this.#pending);
      this.#pending = [];
      newline = data.indexOf(NEWLINE);
    }
    let start = 0;
    // Inside a block, a run of lines that cannot end it (not starting with `%`) is decoded at once.
    let run = -1;
    while (newline !== -1) {
      if (this.#block !== undefined && data[start] !== PERCENT) {
        if (run === -1) run = start;
      } else {
        if (run !== -1) this.#blockLines(data, run, start - 1);
        run = -1;
        this.#line(data.subarray(start, newline), messages);
      }
      start = newline + 1;
      newline = data.indexOf(NEWLINE, start);
    }
    if (run !== -1) this.#blockLines(data, run, start - 1);
    if (start < data.length) this.#pending.push(Buffer.from(data.subarray(start)));
    return messages;
  }

  /** Adds the lines between `from` and `to` (a run of whole lines, without the last newline) to the open block. */
  #blockLines(data: Buffer, from: number, to: number): void {
    const lines = (this.#block as OpenBlock).lines;
    for (const line of data.toString('utf8', from, to).split('\n')) lines.push(line);
  }

  #line(line: Buffer, out: ControlMessage[]): void {
    const block = this.#block;
    if (line[0] !== PERCENT) {
      out.push({ kind: 'unknown', name: '', line: line.toString('utf8') });
      return;
    }
    const guard = line.length < 64 ? GUARD.exec(line.toString('latin1')) : null;
    if (guard !== null) {
      const [, word, time, number, flags] = guard as unknown as [string, string, string, string, string];
      if (block === undefined && word === 'begin') {
        this.#block = { guard: `${time} ${number} ${flags}`, time: Number(time), number: Number(number), flags: Number(flags), lines: [] };
        return;
      }
      if (block !== undefined && word !== 'begin' && block.guard === `${time} ${number} ${flags}`) {
        this.#block = undefined;
        out.push({ kind: 'reply', ok: word === 'end', time: block.time, number: block.number, flags: block.flags, lines: block.lines });
        return;
      }
    }
    if (block === undefined) {
      out.push(parseNotification(line) ?? unknownNotification(line));
      return;
    }
    const notification = this.#notificationsInBlocks ? parseNotification(line) : undefined;
    if (notification !== undefined) out.push(notification);
    else block.lines.push(line.toString('utf8'));
  }
}

function unknownNotification(line: Buffer): Notification {
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  return { kind: 'unknown', name: text.slice(1, space === -1 ? undefined : space), line: text };
}
