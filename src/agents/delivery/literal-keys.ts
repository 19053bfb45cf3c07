/**
 * The `literal-keys` delivery: types the text as keys (`send-keys -l`), then
 * presses Enter.
 *
 * A newline cannot be typed literally: to a program reading a terminal, the
 * newline character is the key Ctrl-J, which many programs (shells, readline,
 * most line editors) take as Enter. So each line is typed on its own and
 * `newlineKeys` are pressed between lines; `\r\n` and a lone `\r` count as one
 * newline. The default, `C-j`, inserts a line break without submitting in
 * Claude Code (checked on 2.1.197, offline, where `S-Enter`, `M-Enter` and
 * `\` then `Enter` do too, the `\` being dropped from the message). In a
 * shell or any readline program `C-j` submits: send multi-line text to those
 * with `bracketed-paste`, or set `newlineKeys` to what the program wants.
 * Claude Code shows quickly typed long text as `[Pasted text #1]` but takes it
 * byte for byte.
 *
 * Tabs are typed as the Tab key, which programs may take as completion
 * (Claude Code 2.1.197 drops them). Other control characters are typed as
 * their keys too (an Escape in the text is the Escape key), so text with
 * control characters is best pasted.
 *
 * @module
 */
import { integerAtLeast } from '../../util/options.js';
import { splitText } from './chunks.js';
import type { DeliveryStrategy, DeliveryTarget } from './strategy.js';
import { keyNames, rejectUnknownOptions } from './strategy-options.js';

/** Options of {@link literalKeysDelivery}. */
export interface LiteralKeysOptions {
  /**
   * Most UTF-16 code units per `send-keys -l` command; longer lines are typed
   * in several commands, cut between characters.
   * @default 2000
   */
  readonly chunkSize?: number;
  /**
   * tmux key names pressed for each newline in the text.
   * @default ['C-j']
   */
  readonly newlineKeys?: readonly string[];
  /**
   * tmux key names that submit the input line.
   * @default ['Enter']
   */
  readonly submitKeys?: readonly string[];
}

const NAME = 'literal-keys';
const NEWLINE = /\r\n|\r|\n/u;

/**
 * Makes a `literal-keys` delivery.
 *
 * @throws `InvalidOptionError` for an unknown or invalid option.
 * @example
 * const strategy = literalKeysDelivery({ newlineKeys: ['S-Enter'] });
 */
export function literalKeysDelivery(options: LiteralKeysOptions = {}): DeliveryStrategy {
  rejectUnknownOptions(NAME, options, ['chunkSize', 'newlineKeys', 'submitKeys']);
  const chunkSize = integerAtLeast('chunkSize', options.chunkSize, 2000, 1);
  const newlineKeys = keyNames('newlineKeys', options.newlineKeys, ['C-j']);
  const submitKeys = keyNames('submitKeys', options.submitKeys, ['Enter']);
  return {
    name: NAME,
    async type(target: DeliveryTarget, text: string): Promise<void> {
      const lines = text.split(NEWLINE);
      for (const [index, line] of lines.entries()) {
        if (index > 0) await target.client.sendKeys(target.paneId, newlineKeys);
        // One command at a time: the client may spread concurrent commands over several connections.
        for (const piece of splitText(line, chunkSize)) await target.client.sendText(target.paneId, piece);
      }
    },
    async submit(target: DeliveryTarget): Promise<void> {
      await target.client.sendKeys(target.paneId, submitKeys);
    },
  };
}
