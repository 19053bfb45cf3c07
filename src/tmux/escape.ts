/**
 * Decoding of `%output` data.
 *
 * tmux writes bytes below 0x20 and the backslash as `\ooo` octal escapes and
 * every other byte raw, so a UTF-8 character can be split across two
 * notifications. {@link unescapeOutput} turns the escaped form back into
 * bytes; {@link PaneTextDecoder} turns each pane's byte stream into text
 * without ever splitting a character.
 *
 * @module
 */

import { TextDecoder } from 'node:util';

const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_7 = 0x37;

function isOctalDigit(byte: number | undefined): byte is number {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_7;
}

/**
 * Decodes tmux's `\ooo` escapes in `%output` data back to the original bytes.
 * A backslash not followed by three octal digits is kept as it is.
 *
 * @example
 * unescapeOutput(Buffer.from('a\\015\\012')) // => bytes 61 0d 0a
 */
export function unescapeOutput(escaped: Uint8Array): Uint8Array {
  if (!escaped.includes(BACKSLASH)) return escaped;
  const out = new Uint8Array(escaped.length);
  let length = 0;
  for (let i = 0; i < escaped.length; i++) {
    const byte = escaped[i] as number;
    const d1 = escaped[i + 1];
    const d2 = escaped[i + 2];
    const d3 = escaped[i + 3];
    if (byte === BACKSLASH && isOctalDigit(d1) && isOctalDigit(d2) && isOctalDigit(d3)) {
      out[length++] = ((d1 - DIGIT_0) * 64 + (d2 - DIGIT_0) * 8 + (d3 - DIGIT_0)) & 0xff;
      i += 3;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

/**
 * Streaming UTF-8 decoding, one decoder per pane: bytes of a character split
 * across notifications come out as one whole character once the rest arrives.
 * Invalid sequences become U+FFFD, as a terminal would show them.
 *
 * @example
 * const decoder = new PaneTextDecoder();
 * const bytes = Buffer.from('é'); // c3 a9, split across two notifications
 * decoder.decode('%1', bytes.subarray(0, 1)); // '' (held back)
 * decoder.decode('%1', bytes.subarray(1)); // 'é'
 */
export class PaneTextDecoder {
  readonly #decoders = new Map<string, TextDecoder>();

  /** Decodes the next bytes of `paneId`'s output, holding back an incomplete trailing character. */
  decode(paneId: string, bytes: Uint8Array): string {
    let decoder = this.#decoders.get(paneId);
    if (decoder === undefined) {
      // ignoreBOM keeps a U+FEFF the pane printed first: it is output, not a byte-order mark.
      decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      this.#decoders.set(paneId, decoder);
    }
    return decoder.decode(bytes, { stream: true });
  }

  /** Forgets a pane (it closed), returning any bytes it held back as replacement characters. */
  flush(paneId: string): string {
    const decoder = this.#decoders.get(paneId);
    this.#decoders.delete(paneId);
    return decoder === undefined ? '' : decoder.decode();
  }

  /** Panes with decoder state. */
  get size(): number {
    return this.#decoders.size;
  }
}
