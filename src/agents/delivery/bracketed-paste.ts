/**
 * The `bracketed-paste` delivery: loads the text into a tmux paste buffer of
 * its own and pastes it (`paste-buffer -p -r -d`), then presses Enter.
 *
 * `-p` wraps the paste in the bracketed-paste markers when the program asked
 * for them (most line editors and agent CLIs do), so the program reads the
 * whole text, newlines and tabs included, as one paste and submits nothing
 * until Enter. `-r` keeps each newline a newline (without it tmux sends CR,
 * which is Enter). A program that did not ask for bracketed paste gets the
 * text as typed keys, newline characters (Ctrl-J) included.
 *
 * Claude Code 2.1.197 takes a paste byte for byte except tabs (each becomes
 * four spaces); a long or many-line paste shows as `[Pasted text #1 +N lines]`
 * in its input box until submitted.
 *
 * Every paste uses a new buffer (`tmo-delivery-<uuid>`), deleted by the paste,
 * so deliveries to agents on one server never share one. Long text is loaded
 * in parts (`set-buffer -a`), which keeps every command short enough for any
 * runner (a `tmux` process refuses commands over 16 KB with `command too
 * long`; a control connection took 1.4 MB in one `set-buffer`).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../../errors.js';
import { integerAtLeast } from '../../util/options.js';
import { splitText } from './chunks.js';
import type { DeliveryStrategy, DeliveryTarget } from './strategy.js';
import { booleanOption, keyNames, rejectUnknownOptions } from './strategy-options.js';

/** Options of {@link bracketedPasteDelivery}. */
export interface BracketedPasteOptions {
  /**
   * Paste with `-p`, so tmux adds the bracketed-paste markers when the program enabled them.
   * @default true
   */
  readonly bracket?: boolean;
  /**
   * Most UTF-16 code units per `set-buffer` command; longer text is appended
   * in parts. The default keeps every command under tmux's 16 KB limit on a
   * command sent by a `tmux` process (at most 3 bytes of UTF-8 per unit);
   * over a control connection any size works.
   * @default 4096
   */
  readonly bufferChunkSize?: number;
  /**
   * tmux key names that submit the input line.
   * @default ['Enter']
   */
  readonly submitKeys?: readonly string[];
}

const NAME = 'bracketed-paste';
/** What ends a bracketed paste: text holding it would end the paste early and be typed as keys. */
const PASTE_END = '\u001b[201~';

/** Refuses text the paste cannot carry as one piece. */
function validate(text: string): void {
  if (text.includes(PASTE_END)) {
    throw new InvalidArgumentError('text holding the end-of-paste sequence ESC [201~ cannot be pasted as one piece');
  }
}

/**
 * Makes a `bracketed-paste` delivery.
 *
 * @throws `InvalidOptionError` for an unknown or invalid option.
 * @example
 * const strategy = bracketedPasteDelivery();
 * await strategy.type({ client, paneId }, 'line one\nline two');
 * await strategy.submit({ client, paneId });
 */
export function bracketedPasteDelivery(options: BracketedPasteOptions = {}): DeliveryStrategy {
  rejectUnknownOptions(NAME, options, ['bracket', 'bufferChunkSize', 'submitKeys']);
  const bracket = booleanOption('bracket', options.bracket, true);
  const bufferChunkSize = integerAtLeast('bufferChunkSize', options.bufferChunkSize, 4_096, 1);
  const submitKeys = keyNames('submitKeys', options.submitKeys, ['Enter']);
  return {
    name: NAME,
    validate,
    async type(target: DeliveryTarget, text: string): Promise<void> {
      validate(text);
      const pieces = splitText(text, bufferChunkSize);
      if (pieces.length === 0) return;
      const buffer = `tmo-delivery-${randomUUID()}`;
      try {
        for (const [index, piece] of pieces.entries()) {
          const append = index === 0 ? [] : ['-a'];
          await target.client.run(['set-buffer', ...append, '-b', buffer, '--', piece]);
        }
        await target.client.run(['paste-buffer', ...(bracket ? ['-p'] : []), '-r', '-d', '-b', buffer, '-t', target.paneId]);
      } catch (error) {
        // The paste deletes the buffer; after a failure it may be left over.
        await target.client.run(['delete-buffer', '-b', buffer]).catch(() => undefined);
        throw error;
      }
    },
    async submit(target: DeliveryTarget): Promise<void> {
      await target.client.sendKeys(target.paneId, submitKeys);
    },
  };
}
