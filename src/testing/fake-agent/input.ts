/**
 * Turns the bytes a terminal sends (keys, UTF-8 text, bracketed pastes) into
 * key events, whatever the chunks they arrive in.
 *
 * @module
 */
import { StringDecoder } from 'node:string_decoder';

/** A key with a meaning of its own. */
export type KeyName =
  | 'enter'
  | 'newline'
  | 'backspace'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'ctrl-c'
  | 'ctrl-u';

/** One thing the user did. */
export type InputEvent =
  /** Typed text: printable characters and tabs, never a control key. */
  | { readonly type: 'text'; readonly text: string }
  /** A bracketed paste, verbatim except that CR and CRLF become LF. */
  | { readonly type: 'paste'; readonly text: string }
  | { readonly type: 'key'; readonly name: KeyName };

const ESC = '\u001b';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

/** Control bytes that are keys; every other control byte is ignored. */
const CONTROL_KEYS: Readonly<Record<string, KeyName>> = {
  '\r': 'enter',
  '\n': 'newline',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\u0003': 'ctrl-c',
  '\u0015': 'ctrl-u',
};

/** Final bytes of `ESC [ …` and `ESC O …` sequences that are arrow keys. */
const ARROWS: Readonly<Record<string, KeyName>> = { A: 'up', B: 'down', C: 'right', D: 'left' };

/**
 * A streaming decoder of terminal input. `push()` each chunk read from the
 * terminal; a sequence cut by a chunk boundary is kept until the rest comes.
 * A lone ESC at the end of a chunk may be the Escape key or the start of a
 * sequence: `pendingEscape` says so, and `flush()` (after a short wait with
 * nothing more) makes it the Escape key.
 *
 * Outside a paste, ESC followed by anything but `[` or `O` is the Escape key
 * followed by that input; CSI sequences other than arrows and the paste
 * markers are dropped.
 */
export class InputDecoder {
  readonly #utf8 = new StringDecoder('utf8');
  /** Undecoded input: the start of a sequence, or of a paste's end marker. */
  #pending = '';
  /** The text of the paste being read, when inside one. */
  #paste: string | undefined;

  /** The input ends with an ESC that may start a sequence. */
  get pendingEscape(): boolean {
    return this.#paste === undefined && this.#pending === ESC;
  }

  /** Decodes a chunk; returns the complete events in it. */
  push(chunk: Uint8Array | string): InputEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.#utf8.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return this.#decode(this.#pending + text);
  }

  /** Gives up waiting for the rest of a sequence: a lone ESC becomes the Escape key. */
  flush(): InputEvent[] {
    if (!this.pendingEscape) return [];
    this.#pending = '';
    return [{ type: 'key', name: 'escape' }];
  }

  #decode(input: string): InputEvent[] {
    const events: InputEvent[] = [];
    this.#pending = '';
    let text = '';
    const emitText = (): void => {
      if (text !== '') events.push({ type: 'text', text });
      text = '';
    };
    let index = 0;
    while (index < input.length) {
      if (this.#paste !== undefined) {
        const end = input.indexOf(PASTE_END, index);
        if (end === -1) {
          // Keep a possible start of the end marker for the next chunk.
          const keep = partialSuffix(input, PASTE_END);
          this.#paste += input.slice(index, input.length - keep);
          this.#pending = input.slice(input.length - keep);
          return events;
        }
        this.#paste += input.slice(index, end);
        events.push({ type: 'paste', text: this.#paste.replace(/\r\n?/gu, '\n') });
        this.#paste = undefined;
        index = end + PASTE_END.length;
        continue;
      }
      const char = input[index] as string;
      if (char === ESC) {
        const sequence = readSequence(input, index);
        if (sequence === undefined) {
          emitText();
          this.#pending = input.slice(index);
          return events;
        }
        emitText();
        if (sequence === PASTE_START) this.#paste = '';
        else {
          const key = sequenceKey(sequence);
          if (key !== undefined) events.push({ type: 'key', name: key });
        }
        index += sequence.length;
        continue;
      }
      const key = CONTROL_KEYS[char];
      if (key !== undefined) {
        emitText();
        events.push({ type: 'key', name: key });
      } else if (char === '\t' || char >= ' ') {
        text += char;
      }
      index += 1;
    }
    emitText();
    return events;
  }
}

/**
 * The escape sequence starting at `input[index]` (an ESC): `ESC [ params
 * final`, `ESC O x`, or a lone ESC when another character follows that does
 * not start a sequence. `undefined` when the input ends before it does.
 */
function readSequence(input: string, index: number): string | undefined {
  const next = input[index + 1];
  if (next === undefined) return undefined;
  if (next === 'O') return index + 2 < input.length ? input.slice(index, index + 3) : undefined;
  if (next !== '[') return ESC;
  for (let end = index + 2; end < input.length; end += 1) {
    const code = input.charCodeAt(end);
    if (code >= 0x40 && code <= 0x7e) return input.slice(index, end + 1);
    if (code < 0x20 || code > 0x3f) return input.slice(index, end); // malformed: drop what came so far
  }
  return undefined;
}

function sequenceKey(sequence: string): KeyName | undefined {
  if (sequence === ESC) return 'escape';
  const final = sequence.at(-1) as string;
  // Plain arrows only (`ESC [ A`, `ESC O A`, `ESC [ 1 ; 2 A` with modifiers is dropped).
  return sequence.length === 3 ? ARROWS[final] : undefined;
}

/** Length of the longest suffix of `input` that is a proper prefix of `marker`. */
function partialSuffix(input: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, input.length); length > 0; length -= 1) {
    if (input.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}
