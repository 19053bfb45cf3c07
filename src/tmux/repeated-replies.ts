/**
 * The last reply of each read-only command line, so a reply that repeats
 * byte for byte (a screen that did not change, captured again) is compared
 * rather than decoded: no strings made, none left for the garbage collector.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import type { ReplyBlock } from './protocol.js';

/** Replies shorter than this are decoded every time: comparing them saves little. */
const MIN_CONTENT_BYTES = 256;

/** Options of {@link RepeatedReplies}. @internal */
export interface RepeatedRepliesOptions {
  /** Command lines remembered at most. @default 4096 */
  readonly maxEntries?: number;
  /** Bytes of remembered content at most. @default 16 MiB */
  readonly maxBytes?: number;
}

interface LastReply {
  /** A copy of the content bytes. */
  readonly content: Buffer;
  /** Its lines, never handed out themselves: callers get copies. */
  readonly lines: readonly string[];
}

/**
 * Remembers, per command line, the last reply's bytes and lines.
 *
 * @internal
 * @example
 * const replies = new RepeatedReplies();
 * const lines = replies.lines('capture-pane -p -t %5', block); // decoded, remembered
 * replies.lines('capture-pane -p -t %5', sameBytesAgain); // the remembered lines, copied: nothing decoded
 */
export class RepeatedReplies {
  readonly #last: LRUCache<string, LastReply>;

  constructor(options: RepeatedRepliesOptions = {}) {
    this.#last = new LRUCache<string, LastReply>({
      max: options.maxEntries ?? 4096,
      maxSize: options.maxBytes ?? 16 * 1024 * 1024,
      sizeCalculation: (reply) => reply.content.length,
    });
  }

  /**
   * The reply's lines, as a new array the caller may change: the lines
   * remembered for `commandLine` when its bytes are the same as last time,
   * else the reply's own (decoded now, and remembered).
   */
  lines(commandLine: string, reply: ReplyBlock): string[] {
    const { content } = reply;
    if (content.length < MIN_CONTENT_BYTES) return reply.lines as string[];
    const last = this.#last.get(commandLine);
    if (last !== undefined && last.content.equals(content)) return last.lines.slice();
    const lines = reply.lines as string[];
    this.#last.set(commandLine, { content: Buffer.from(content), lines: lines.slice() });
    return lines;
  }
}
