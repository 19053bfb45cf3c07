/**
 * Quoting for tmux's command language.
 *
 * Every argument sent over a control connection goes through
 * {@link quoteArgument}, so nothing a caller passes can run as a command,
 * expand `$VAR`, `~` or `#{...}` at parse time, open a `{ }` block, start a
 * comment or split on `;`.
 *
 * The encoding: runs of ordinary characters go inside single quotes, which
 * tmux takes fully literally; single quotes and control characters go inside
 * double quotes as octal escapes (`"\047"`, `"\012"`). Adjacent quoted parts
 * join into one word, so `it's` becomes `'it'"\047"'s'`. Formats such as
 * `#{pane_id}` are still expanded by the commands that expand their own
 * arguments (`display-message`, `-F` templates, the names and start
 * directories of new sessions, windows and panes): that is the command's
 * meaning, not the parser's, and {@link escapeFormat} keeps text literal there.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

const NEEDS_ESCAPE = /[\u0000-\u001f'\u007f]/u;

/**
 * Throws {@link InvalidArgumentError} when `value` cannot reach tmux unchanged:
 * tmux arguments are C strings (no NUL) and UTF-8 (no lone surrogates).
 */
export function assertCarriable(value: string, what = 'argument'): void {
  if (value.includes('\u0000')) {
    throw new InvalidArgumentError(`tmux cannot carry a NUL character in ${what} ${preview(value)}`);
  }
  if (!value.isWellFormed()) {
    throw new InvalidArgumentError(`${what} ${preview(value)} contains a lone UTF-16 surrogate, which is not valid UTF-8`);
  }
}

/**
 * Quotes one argument so tmux's parser reads it back as exactly `value`.
 *
 * @throws {@link InvalidArgumentError} for strings tmux cannot carry.
 * @example
 * quoteArgument("it's; kill-server") // => `'it'"\047"'s; kill-server'`
 */
export function quoteArgument(value: string): string {
  assertCarriable(value);
  if (value === '') return "''";
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  let out = '';
  let literal = '';
  for (const char of value) {
    if (NEEDS_ESCAPE.test(char)) {
      if (literal !== '') {
        out += `'${literal}'`;
        literal = '';
      }
      out += `"\\${char.charCodeAt(0).toString(8).padStart(3, '0')}"`;
    } else {
      literal += char;
    }
  }
  if (literal !== '') out += `'${literal}'`;
  return out;
}

/**
 * Turns an argument vector into one line of tmux's command language, every
 * word quoted. The line holds exactly one command.
 *
 * @throws {@link InvalidArgumentError} for an empty vector or an argument tmux cannot carry.
 * @example
 * formatCommandLine(['send-keys', '-t', '%1', "it's; done"])
 * // => `'send-keys' '-t' '%1' 'it'"\047"'s; done'`
 */
export function formatCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new InvalidArgumentError('a tmux command needs at least a command name');
  return argv.map(quoteArgument).join(' ');
}

/**
 * Escapes an argument for tmux's argument-vector form (`tmux cmd arg …` from
 * a shell or `execve`), where a trailing `;` ends the command: the final `;`
 * is written as `\;`, which tmux reads back as a literal `;`.
 *
 * @throws {@link InvalidArgumentError} for strings tmux cannot carry.
 * @example
 * escapeArgvArgument('make;') // => 'make\\;'
 * await execa('tmux', ['send-keys', '-t', '%1', ...keys.map(escapeArgvArgument)]);
 */
export function escapeArgvArgument(value: string): string {
  assertCarriable(value);
  return value.endsWith(';') ? `${value.slice(0, -1)}\\;` : value;
}

/**
 * Escapes text for a tmux argument that the command itself expands as a
 * format (`new-session -s`/`-n`/`-c`, `new-window -n`/`-c`, `split-window -c`,
 * `rename-window`…), so `#{…}`, `#S` and `#(…)` (which would run a shell
 * command) stay literal: each `#` is doubled, except in a run of `#` just
 * before `[`, which tmux keeps as it is. The result is an argument like any
 * other, quoted by {@link formatCommandLine}. Not enough for `display-message`,
 * which also expands `%` time sequences.
 *
 * @example
 * escapeFormat('build #{n} #(rm -rf ~)') // => 'build ##{n} ##(rm -rf ~)'
 */
export function escapeFormat(value: string): string {
  return value.replace(/#+/gu, (run, offset: number) => (value[offset + run.length] === '[' ? run : run + run));
}

function preview(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}
