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
  /** The command's output lines, decoded as UTF-8 (when first read), without line terminators. */
  readonly lines: readonly string[];
  /**
   * The same output as tmux sent it: each line's bytes followed by a newline
   * (empty for no lines). Two replies with equal `content` have equal `lines`.
   */
  readonly content: Buffer;
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
  /** The content so far: runs of whole lines, each with its newline. */
  readonly segments: Buffer[];
}

const NO_CONTENT = Buffer.alloc(0);

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
    // Inside a block, a run of lines that cannot end it (not starting with `%`) is taken at once.
    let run = -1;
    while (newline !== -1) {
      if (this.#block !== undefined && data[start] !== PERCENT) {
        if (run === -1) run = start;
      } else {
        if (run !== -1) (this.#block as OpenBlock).segments.push(data.subarray(run, start));
        run = -1;
        this.#line(data, start, newline, messages);
      }
      start = newline + 1;
      newline = data.indexOf(NEWLINE, start);
    }
    if (run !== -1) (this.#block as OpenBlock).segments.push(data.subarray(run, start));
    if (start < data.length) this.#pending.push(Buffer.from(data.subarray(start)));
    return messages;
  }

  /** Handles the line from `start` to the newline at `newline`. */
  #line(data: Buffer, start: number, newline: number, out: ControlMessage[]): void {
    const block = this.#block;
    const line = data.subarray(start, newline);
    if (line[0] !== PERCENT) {
      out.push({ kind: 'unknown', name: '', line: line.toString('utf8') });
      return;
    }
    const guard = line.length < 64 ? GUARD.exec(line.toString('latin1')) : null;
    if (guard !== null) {
      const [, word, time, number, flags] = guard as unknown as [string, string, string, string, string];
      if (block === undefined && word === 'begin') {
        this.#block = { guard: `${time} ${number} ${flags}`, time: Number(time), number: Number(number), flags: Number(flags), segments: [] };
        return;
      }
      if (block !== undefined && word !== 'begin' && block.guard === `${time} ${number} ${flags}`) {
        this.#block = undefined;
        out.push(new Reply(block, word === 'end'));
        return;
      }
    }
    if (block === undefined) {
      out.push(parseNotification(line) ?? unknownNotification(line));
      return;
    }
    const notification = this.#notificationsInBlocks ? parseNotification(line) : undefined;
    if (notification !== undefined) out.push(notification);
    else block.segments.push(data.subarray(start, newline + 1));
  }
}

/**
 * The reply of a block that ended. Its content is a view of the bytes read
 * (copied only when they came in several pieces); its lines are decoded when
 * first read, so a caller that finds the same content as before decodes nothing.
 */
class Reply implements ReplyBlock {
  readonly kind = 'reply';
  readonly time: number;
  readonly number: number;
  readonly flags: number;
  readonly content: Buffer;
  #lines: string[] | undefined;

  constructor(block: OpenBlock, readonly ok: boolean) {
    const { segments } = block;
    this.time = block.time;
    this.number = block.number;
    this.flags = block.flags;
    this.content = segments.length === 0 ? NO_CONTENT : segments.length === 1 ? (segments[0] as Buffer) : Buffer.concat(segments);
  }

  get lines(): string[] {
    if (this.#lines === undefined) {
      this.#lines = this.content.toString('utf8').split('\n');
      this.#lines.pop(); // after the last newline
    }
    return this.#lines;
  }
}

function unknownNotification(line: Buffer): Notification {
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  return { kind: 'unknown', name: text.slice(1, space === -1 ? undefined : space), line: text };
}
