/**
 * The classic transport: one `tmux` process per command, through execa. Kept
 * for comparison in benchmarks and as a fallback where a long-lived control
 * client is not wanted. Same `run(argv)` shape as the control connection.
 *
 * @module
 */
import { execa } from 'execa';
import {
  AbortedError,
  CommandTimeoutError,
  InvalidArgumentError,
  ServerNotRunningError,
  TmuxCommandError,
  TmuxNotFoundError,
} from '../errors.js';
import { positiveNumber } from '../util/options.js';
import { escapeArgvArgument } from './quote.js';
import type { CommandRunner, RunOptions } from './runner.js';
import { describeServer, serverArgs, tmuxEnvironment, type TmuxServerOptions } from './server.js';

/** Options of {@link ExecRunner}. */
export interface ExecRunnerOptions extends TmuxServerOptions {
  /**
   * Default per-command timeout in milliseconds.
   * @default 10000
   */
  readonly commandTimeoutMs?: number;
}

/** What a finished tmux process left behind. */
export interface TmuxProcessResult {
  /** The process's exit code. */
  readonly exitCode: number;
  /** Everything it wrote to standard output. */
  readonly stdout: string;
  /** Everything it wrote to standard error. */
  readonly stderr: string;
}

/**
 * Runs one tmux process and reports how it ended, without throwing on a
 * non-zero exit.
 *
 * @throws {@link TmuxNotFoundError} when the binary cannot be started.
 * @example
 * const { exitCode, stderr } = await runTmuxProcess({ socketName: 'agents' }, ['has-session', '-t', '=work']);
 * if (exitCode !== 0) console.log('no session `work`:', stderr.trim());
 */
export function runTmuxProcess(
  server: TmuxServerOptions,
  argv: readonly string[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<TmuxProcessResult> {
  return runTmuxCommands(server, [argv], options);
}

/**
 * Runs several commands in one tmux process (`tmux a \; b`): one after
 * another, with nothing from other clients in between, stopping at the first
 * that fails. Reports how the process ended, without throwing on a non-zero exit.
 *
 * @throws {@link TmuxNotFoundError} when the binary cannot be started,
 *   `InvalidArgumentError` for an empty command or an argument tmux cannot carry.
 */
export async function runTmuxCommands(
  server: TmuxServerOptions,
  commands: readonly (readonly string[])[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<TmuxProcessResult> {
  const args: string[] = [];
  for (const argv of commands) {
    if (argv.length === 0) throw new InvalidArgumentError('a tmux command needs at least a command name');
    // A `;` argument of its own separates commands; inside arguments it is escaped.
    if (args.length > 0) args.push(';');
    args.push(...argv.map(escapeArgvArgument));
  }
  const tmuxPath = server.tmuxPath ?? 'tmux';
  const timeoutMs = options.timeoutMs ?? 10_000;
  // `-u`: without a UTF-8 locale tmux would print `_` for every non-ASCII or control byte.
  const result = await execa(tmuxPath, [...serverArgs(server), '-u', ...args], {
    reject: false,
    env: tmuxEnvironment(),
    extendEnv: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    timeout: timeoutMs,
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
  });
  if (result.failed && result.exitCode === undefined && !result.timedOut && !result.isCanceled) {
    if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'E2BIG') {
      throw new InvalidArgumentError('the command is too long for one tmux process; send it over a control connection');
    }
    throw new TmuxNotFoundError(tmuxPath, result.cause);
  }
  if (result.timedOut) throw new CommandTimeoutError(commands.flat(), timeoutMs);
  if (result.isCanceled) throw new AbortedError(options.signal?.reason);
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The error for a tmux process that exited non-zero: {@link ServerNotRunningError}
 * when no server answered, else {@link TmuxCommandError} with tmux's message.
 */
export function tmuxProcessError(
  server: TmuxServerOptions,
  argv: readonly string[],
  result: TmuxProcessResult,
): ServerNotRunningError | TmuxCommandError {
  const message = result.stderr.trim();
  if (/^(no server running|error connecting to)/u.test(message)) {
    return new ServerNotRunningError(describeServer(server), message);
  }
  return new TmuxCommandError(argv, message);
}

/**
 * Runs each command as its own `tmux` process.
 *
 * @example
 * const runner = new ExecRunner({ socketName: 'agents' });
 * const lines = await runner.run(['list-sessions', '-F', '#{session_name}']);
 */
export class ExecRunner implements CommandRunner {
  /** The server commands go to. */
  readonly server: TmuxServerOptions;
  readonly #commandTimeoutMs: number;

  constructor(options: ExecRunnerOptions = {}) {
    serverArgs(options);
    this.server = options;
    this.#commandTimeoutMs = positiveNumber('commandTimeoutMs', options.commandTimeoutMs, 10_000);
  }

  /**
   * Runs `argv` as `tmux [server args] argv…`.
   *
   * @throws {@link TmuxCommandError}, {@link ServerNotRunningError}, {@link CommandTimeoutError},
   *   {@link AbortedError}, {@link TmuxNotFoundError}, `InvalidArgumentError`.
   */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<string[]> {
    if (argv.length === 0) throw new InvalidArgumentError('a tmux command needs at least a command name');
    const timeoutMs = positiveNumber('timeoutMs', options.timeoutMs, this.#commandTimeoutMs);
    if (options.signal?.aborted === true) throw new AbortedError(options.signal.reason);
    const result = await runTmuxProcess(this.server, argv, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    if (result.exitCode !== 0) throw tmuxProcessError(this.server, argv, result);
    return splitLines(result.stdout);
  }
}

/** Splits tmux output into lines the way control mode delivers them (no trailing empty line). */
function splitLines(stdout: string): string[] {
  if (stdout === '') return [];
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
