/**
 * One tmux control-mode connection: a `tmux -u -C` client process over pipes,
 * commands pipelined one per line, replies matched in order.
 *
 * It uses `node:child_process` rather than execa: the process lives as long
 * as the connection and its output is a raw byte stream fed straight to the
 * parser, where execa's buffering, line splitting and encoding layers would
 * only add copies.
 *
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'eventemitter3';
import {
  AbortedError,
  CommandTimeoutError,
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidOptionError,
  ServerNotRunningError,
  TmuxCommandError,
  TmuxNotFoundError,
  type OrchestratorError,
} from '../errors.js';
import { DIAGNOSTICS_CHANNELS, publish } from '../diagnostics.js';
import { Queue } from '../util/queue.js';
import { describeValue, integerAtLeast, positiveNumber } from '../util/options.js';
import { ControlModeParser, type ControlMessage } from './protocol.js';
import { parseNotification, type Notification } from './notifications.js';
import { formatCommandLine } from './quote.js';
import { RepeatedReplies } from './repeated-replies.js';
import type { CommandRunner, RunOptions } from './runner.js';
import { describeServer, serverArgs, tmuxEnvironment, type TmuxServerOptions } from './server.js';
import { AttachGate } from './attach-gate.js';
import { detectTmuxVersion, tmuxFeatures, type TmuxFeatures, type TmuxVersion } from './version.js';
import { runTmuxCommands, runTmuxProcess, tmuxProcessError } from './exec.js';

/**
 * Hidden sessions (control and monitor sessions) start with this; user-facing listings leave them out.
 *
 * @example
 * await using watcher = await ControlConnection.open({ socketName: 'agents', session: `${HIDDEN_SESSION_PREFIX}watch` });
 */
export const HIDDEN_SESSION_PREFIX = '__tmo-';

/**
 * The session control connections attach to. User-facing listings leave it out.
 *
 * @example
 * const sessions = await client.listSessions({ includeControl: true });
 * sessions.some((session) => session.name === CONTROL_SESSION); // true while a control connection is attached
 */
export const CONTROL_SESSION = `${HIDDEN_SESSION_PREFIX}control`;

/**
 * `true` for the library's own hidden sessions (control and monitor sessions).
 *
 * @example
 * isHiddenSession(CONTROL_SESSION); // true
 * isHiddenSession('agents'); // false
 */
export function isHiddenSession(name: string): boolean {
  return name.startsWith(HIDDEN_SESSION_PREFIX);
}

/** Options of {@link ControlConnection.open}. */
export interface ControlConnectionOptions extends TmuxServerOptions {
  /**
   * Start the server when none is running. When `false`, connecting to a
   * server that is not running throws `ServerNotRunningError`.
   * @default false
   */
  readonly startServer?: boolean;
  /**
   * Default per-command timeout in milliseconds.
   * @default 10000
   */
  readonly commandTimeoutMs?: number;
  /**
   * How long to wait for tmux to accept the connection, in milliseconds.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long `close()` waits for the tmux client to exit before killing it.
   * @default 2000
   */
  readonly closeTimeoutMs?: number;
  /**
   * The hidden session to attach to: created when missing (running `cat`),
   * and killed once no client is attached. Letters, digits, `_` and `-` only.
   * A monitor attaches to a session of its own, so that only it receives the
   * `%output` of the windows linked there.
   * @default '__tmo-control'
   */
  readonly session?: string;
}

/** Why a connection closed. */
export interface ConnectionCloseEvent {
  /** Human-readable reason: tmux's `%exit` reason, the exit code or signal, or `closed by caller`. */
  readonly reason: string;
  /** `true` when `close()` was called; `false` when tmux or the process went away. */
  readonly expected: boolean;
}

/** Events of a {@link ControlConnection}. */
export interface ControlConnectionEvents {
  /** Every notification tmux sends, in order. */
  notification: (notification: Notification) => void;
  /** The connection closed; every pending command has been rejected. */
  close: (event: ConnectionCloseEvent) => void;
}

/** A command sent (or about to be) and not yet answered. */
class PendingCommand {
  settled = false;
  readonly started = performance.now();
  /** When it times out, on the `performance.now()` clock. */
  readonly deadline: number;
  readonly #resolve: (lines: string[]) => void;
  readonly #reject: (error: OrchestratorError) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;

  /** Output of the reply blocks taken so far, for a line of several commands. */
  readonly #taken: string[] = [];
  /** Reply blocks still due for the line. */
  #blocksLeft: number;

  /**
   * @param commandLine the line sent, kept for a read-only command: the key
   *   its reply is compared under with the last reply of the same line.
   * @param blocks the reply blocks the line is answered with: one per command in it.
   */
  constructor(
    readonly argv: readonly string[],
    readonly commandLine: string | undefined,
    readonly timeoutMs: number,
    resolve: (lines: string[]) => void,
    reject: (error: OrchestratorError) => void,
    signal: AbortSignal | undefined,
    blocks = 1,
  ) {
    this.#blocksLeft = blocks;
    this.deadline = this.started + timeoutMs;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    if (signal !== undefined) {
      this.#onAbort = () => this.reject(new AbortedError(signal.reason));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Keeps the output of a block that is not the line's last and returns `true`; `false` for the last block. */
  take(lines: readonly string[]): boolean {
    if (this.#blocksLeft <= 1) return false;
    this.#blocksLeft--;
    for (const line of lines) this.#taken.push(line);
    return true;
  }

  resolve(lines: string[]): void {
    if (!this.#settle()) return;
    publishCommand(this.argv, this.started);
    this.#resolve(this.#taken.length === 0 ? lines : [...this.#taken, ...lines]);
  }

  reject(error: OrchestratorError): void {
    if (!this.#settle()) return;
    publishCommand(this.argv, this.started, error);
    this.#reject(error);
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    return true;
  }
}

const STDERR_TAIL_BYTES = 2048;

/** tmux refused an attach (its session vanished first): `open()` tries again. */
class RefusedAttachError extends Error {
  override readonly cause: ConnectionClosedError;

  constructor(cause: ConnectionClosedError) {
    super(cause.message);
    this.cause = cause;
  }
}

/** How often `open()` creates the control session and attaches before giving up. */
const ATTACH_ATTEMPTS = 3;

/**
 * Commands whose own notifications (`%pause`, `%continue` from
 * `refresh-client -A`) tmux writes inside their reply block on versions that
 * otherwise keep notifications out of blocks. They print no output of their
 * own, so every such line in their reply is a notification.
 */
const COMMANDS_NOTIFYING_IN_BLOCK = new Set(['refresh-client', 'refresh']);

/**
 * A single control-mode connection to a tmux server. Most code uses
 * {@link TmuxClient} (typed helpers) or `ConnectionPool` on top of it.
 *
 * @example
 * await using connection = await ControlConnection.open({ socketName: 'agents', startServer: true });
 * const lines = await connection.run(['list-sessions', '-F', '#{session_name}']);
 */
export class ControlConnection extends EventEmitter<ControlConnectionEvents> implements CommandRunner {
  /** The tmux version this connection talks to. */
  readonly version: TmuxVersion;
  /** The version's feature gates. */
  readonly features: TmuxFeatures;
  /** The server this connection talks to. */
  readonly server: TmuxServerOptions;

  readonly #child: ChildProcessWithoutNullStreams;
  readonly #parser: ControlModeParser;
  /** Replies of read-only commands, compared with the last reply of the same command line before being decoded. */
  readonly #replies = new RepeatedReplies();
  readonly #pending = new Queue<PendingCommand>();
  readonly #commandTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #gate: AttachGate;
  #stderr = '';
  #exitReason: string | undefined;
  #closedReason: string | undefined;
  #closing: Promise<void> | undefined;
  #exited: Promise<void>;
  #commands = 0;
  /** Command lines not yet written (see `#flush`). */
  #outgoing = '';
  #deadlineTimer: NodeJS.Timeout | undefined;
  #nextDeadline = 0;
  /** `close()` ended the client's input (counted by the gate until the client exits). */
  #detaching = false;
  /** This connection holds its server's gate (once opened), released when it exits. */
  #holdsGate = false;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    server: TmuxServerOptions,
    version: TmuxVersion,
    gate: AttachGate,
    commandTimeoutMs: number,
    closeTimeoutMs: number,
  ) {
    super();
    this.#child = child;
    this.#gate = gate;
    this.server = server;
    this.version = version;
    this.features = tmuxFeatures(version);
    this.#parser = new ControlModeParser({ notificationsInBlocks: this.features.notificationsInBlocks });
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#closeTimeoutMs = closeTimeoutMs;
    this.#exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /**
   * Starts a control client and waits until tmux accepts it.
   *
   * @throws {@link TmuxNotFoundError}, `TmuxVersionError`, {@link ServerNotRunningError},
   *   {@link TmuxCommandError} when the control session cannot be created,
   *   or {@link ConnectionClosedError} when tmux refuses the connection.
   */
  static async open(options: ControlConnectionOptions = {}): Promise<ControlConnection> {
    const commandTimeoutMs = positiveNumber('commandTimeoutMs', options.commandTimeoutMs, 10_000);
    const connectTimeoutMs = positiveNumber('connectTimeoutMs', options.connectTimeoutMs, 10_000);
    const closeTimeoutMs = integerAtLeast('closeTimeoutMs', options.closeTimeoutMs, 2_000, 0);
    const args = serverArgs(options);
    const session = options.session ?? CONTROL_SESSION;
    if (typeof session !== 'string' || !session.startsWith(HIDDEN_SESSION_PREFIX) || !/^[\w-]+$/u.test(session)) {
      throw new InvalidOptionError(
        `Expected \`session\` to be \`__tmo-\` then letters, digits, \`_\` and \`-\`, got ${describeValue(session)}`,
      );
    }
    const tmuxPath = options.tmuxPath ?? 'tmux';
    const version = await detectTmuxVersion(tmuxPath);
    if (options.startServer !== true) await assertServerRunning(options);

    const gate = AttachGate.acquire(options);
    for (let attempt = 1; ; attempt++) {
      // Alone on the server as far as this process goes: see AttachGate.
      const opened = await gate
        .attach(async () => {
          await createControlSession(options, session);
          const child = spawn(tmuxPath, [...args, '-u', '-C', 'attach-session', '-t', `=${session}`], {
            stdio: ['pipe', 'pipe', 'pipe'],
            env: tmuxEnvironment(),
          });
          const connection = new ControlConnection(child, options, version, gate, commandTimeoutMs, closeTimeoutMs);
          await connection.#handshake(connectTimeoutMs);
          connection.#holdsGate = true;
          return connection;
        })
        .catch((error: unknown) => {
          // tmux removes the control session when its last client leaves; that can
          // happen between creating it and attaching, so create it again.
          if (!(error instanceof RefusedAttachError) || attempt === ATTACH_ATTEMPTS) {
            gate.release();
            throw error instanceof RefusedAttachError ? error.cause : error;
          }
          return undefined;
        });
      if (opened !== undefined) return opened;
    }
  }

  /** Process id of the `tmux -C` client, or `undefined` if it failed to start. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Commands sent and not yet answered (including timed-out ones whose reply is still due). */
  get pending(): number {
    return this.#pending.length;
  }

  /** When the oldest unanswered command was sent (`performance.now()`), `undefined` when none is. */
  get pendingSince(): number | undefined {
    return this.#pending.peek()?.started;
  }

  /** Commands sent over this connection's lifetime. */
  get commandCount(): number {
    return this.#commands;
  }

  /** `true` once the connection is closed or closing; `run()` then rejects. */
  get closed(): boolean {
    return this.#closedReason !== undefined || this.#closing !== undefined;
  }

  /**
   * Runs one command. Every element of `argv` reaches tmux literally.
   *
   * @throws {@link TmuxCommandError} when tmux reports an error,
   *   {@link CommandTimeoutError}, {@link AbortedError}, {@link ConnectionClosedError},
   *   or `InvalidArgumentError` for an argument tmux cannot carry (nothing is sent).
   */
  run(argv: readonly string[], options: RunOptions = {}): Promise<string[]> {
    return this.#send(argv, () => formatCommandLine(argv), options);
  }

  /**
   * Runs several commands as one command line (`a ; b ; c`): tmux runs them
   * in order and answers each with a reply block of its own, which this
   * connection gathers, so a batch of small reads costs one promise and one
   * diagnostics message rather than one each. Resolves with the output lines
   * of every command, in order. When one fails, tmux skips the ones after
   * it, and the whole rejects with its message (the error's `command` is
   * every argument, the commands separated by `;`).
   *
   * @throws the errors of {@link ControlConnection.run}, and
   *   `InvalidArgumentError` for an empty list or an empty command.
   * @example
   * // One reply for three reads, one line each.
   * const names = await connection.runSequence(['%1', '%2', '%3'].map((paneId) => ['display-message', '-p', '-t', paneId, '#{pane_current_command}']));
   */
  runSequence(commands: readonly (readonly string[])[], options: RunOptions = {}): Promise<string[]> {
    const argv = commands.flatMap((command, i) => (i === 0 ? command : [';', ...command]));
    const format = (): string => {
      if (commands.length === 0) throw new InvalidArgumentError('a command sequence needs at least one command');
      return commands.map(formatCommandLine).join(' ; ');
    };
    return this.#send(argv, format, options, commands.length);
  }

  /**
   * Sends one command line (made by `format`, which may throw), answered with
   * `blocks` reply blocks; `argv` names it in errors and diagnostics.
   */
  #send(argv: readonly string[], format: () => string, options: RunOptions, blocks = 1): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const line = format();
      if (this.closed) throw new ConnectionClosedError(this.#closedReason ?? 'closing');
      const signal = options.signal;
      if (signal?.aborted === true) throw new AbortedError(signal.reason);
      const timeoutMs = options.timeoutMs === undefined ? this.#commandTimeoutMs : positiveNumber('timeoutMs', options.timeoutMs, this.#commandTimeoutMs);
      const command = new PendingCommand(argv, options.readOnly === true ? line : undefined, timeoutMs, resolve, reject, signal, blocks);
      this.#pending.push(command);
      this.#commands++;
      this.#watchDeadline(command.deadline);
      // Lines written in the same turn of the event loop go out in one write: fewer wake-ups for tmux
      // (each one a loop iteration that polls every pane's terminal) and for this process.
      if (this.#outgoing === '') setImmediate(this.#flush);
      this.#outgoing += `${line}\n`;
    });
  }

  /** Sends the command lines written since the last flush. */
  readonly #flush = (): void => {
    const lines = this.#outgoing;
    if (lines === '') return;
    this.#outgoing = '';
    this.#gate.admit(() => {
      if (this.#closedReason !== undefined) return false;
      this.#child.stdin.write(lines);
      return true;
    });
  };

  /**
   * Makes sure the timeout check runs by `deadline`. One timer serves every
   * pending command: commands with the default timeout have deadlines in the
   * order they were sent, so only a shorter timeout moves it earlier.
   */
  #watchDeadline(deadline: number): void {
    if (this.#deadlineTimer !== undefined && this.#nextDeadline <= deadline) return;
    clearTimeout(this.#deadlineTimer);
    this.#nextDeadline = deadline;
    this.#deadlineTimer = setTimeout(this.#expire, Math.max(0, deadline - performance.now()));
  }

  /** Rejects the pending commands past their deadline; watches the next deadline. */
  readonly #expire = (): void => {
    this.#deadlineTimer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const command of this.#pending) {
      if (command.settled) continue;
      if (command.deadline <= now) command.reject(new CommandTimeoutError(command.argv, command.timeoutMs));
      else next = Math.min(next, command.deadline);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#watchDeadline(next);
  };

  /**
   * Closes the connection: tmux answers what it already read, then the client
   * exits (killed after `closeTimeoutMs`). Idempotent; commands still pending
   * when it exits reject with {@link ConnectionClosedError}.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Same as {@link ControlConnection.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    if (this.#closedReason !== undefined) return;
    this.#exitReason ??= 'closed by caller';
    this.#flush(); // the commands accepted before close() go out before the end of input
    let timer: NodeJS.Timeout | undefined;
    // Its detaching notifies every control client: not while one is attaching.
    this.#gate.admit(() => {
      if (this.#closedReason !== undefined) return false;
      this.#detaching = true;
      this.#child.stdin.end();
      timer = setTimeout(() => this.#child.kill('SIGKILL'), this.#closeTimeoutMs);
      return true;
    }, { untilDone: true });
    await this.#exited;
    clearTimeout(timer);
  }

  #handshake(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = this.#child;
      let accepted = false;
      const fail = (error: OrchestratorError | RefusedAttachError): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new ConnectionClosedError(`tmux did not accept the control connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdin.on('error', () => {
        // EPIPE after the client died; the close handler reports it.
      });
      child.stderr.on('data', (chunk: Buffer) => {
        this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      child.once('error', (error) => fail(new TmuxNotFoundError(this.server.tmuxPath ?? 'tmux', error)));
      child.stdout.on('data', (chunk: Buffer) => {
        for (const message of this.#parser.push(chunk)) {
          if (!accepted && message.kind === 'reply' && message.flags === 0) {
            accepted = true;
            clearTimeout(timer);
            if (message.ok) {
              resolve();
            } else {
              fail(new RefusedAttachError(new ConnectionClosedError(`tmux refused the control connection: ${message.lines.join(' ')}`)));
            }
            continue;
          }
          this.#dispatch(message);
        }
      });
      child.once('close', (code, signal) => {
        const reason = this.#exitReason ?? this.#describeExit(code, signal);
        this.#closedReason = reason;
        clearTimeout(this.#deadlineTimer);
        for (const command of this.#pending.drain()) command.reject(new ConnectionClosedError(reason));
        if (this.#detaching) this.#gate.done();
        if (this.#holdsGate) this.#gate.release();
        if (!accepted) {
          clearTimeout(timer);
          reject(new ConnectionClosedError(reason));
        }
        this.emit('close', { reason, expected: this.#closing !== undefined });
      });
    });
  }

  #dispatch(message: ControlMessage): void {
    if (message.kind === 'reply') {
      if (message.flags === 0) return; // not an answer to one of our commands
      const command = this.#pending.peek();
      if (command === undefined) return;
      // A line of several commands gets a block per command; after a failed one, tmux runs none of the rest.
      if (message.ok && command.take(message.lines)) return;
      this.#pending.shift();
      if (COMMANDS_NOTIFYING_IN_BLOCK.has(command.argv[0] ?? '')) {
        const lines = this.#emitInBlockNotifications(message.lines);
        if (message.ok) command.resolve(lines);
        else command.reject(new TmuxCommandError(command.argv, lines.join('\n')));
      } else if (!message.ok) {
        command.reject(new TmuxCommandError(command.argv, message.lines.join('\n')));
      } else {
        command.resolve(command.commandLine === undefined ? (message.lines as string[]) : this.#replies.lines(command.commandLine, message));
      }
      return;
    }
    // After `close()`, tmux's own `%exit` does not replace the caller's reason.
    if (message.kind === 'exit') this.#exitReason ??= message.reason ?? 'tmux client exited';
    this.emit('notification', message);
  }

  /** Emits the reply lines that are notifications and returns the others. */
  #emitInBlockNotifications(lines: readonly string[]): string[] {
    const rest: string[] = [];
    for (const line of lines) {
      const notification = line.startsWith('%') ? parseNotification(Buffer.from(line, 'utf8')) : undefined;
      if (notification === undefined) rest.push(line);
      else this.emit('notification', notification);
    }
    return rest;
  }

  #describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const stderr = this.#stderr.trim();
    const how = signal !== null ? `tmux client killed by ${signal}` : `tmux client exited with code ${String(code)}`;
    return stderr === '' ? how : `${how}: ${stderr}`;
  }
}

/** Reports a finished command on the `tmux:command` diagnostics channel. */
function publishCommand(argv: readonly string[], started: number, error?: OrchestratorError): void {
  publish(DIAGNOSTICS_CHANNELS.tmuxCommand, () => ({
    command: argv[0] ?? '',
    durationMs: performance.now() - started,
    ok: error === undefined,
    ...(error === undefined ? {} : { errorCode: error.code }),
  }));
}

/**
 * Creates a control session unless it exists: detached, running `cat`, and
 * killed by a `client-detached` hook once no client is attached to it.
 *
 * A short-lived command client creates it, with its options in the same
 * invocation, and control clients only attach: tmux (seen on 3.3a) can crash
 * when several control clients create and attach to one session at the same
 * moment, and its `destroy-unattached` option crashes it when several clients
 * of such sessions exit at once, so it is turned off on this session in case
 * a configuration turns it on globally.
 */
async function createControlSession(server: TmuxServerOptions, session: string): Promise<void> {
  const target = `=${session}:`;
  const killWhenUnattached = formatCommandLine([
    'if-shell',
    '-F',
    '#{==:#{session_attached},0}',
    formatCommandLine(['kill-session', '-t', `=${session}`]),
  ]);
  const create = ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', 'cat'];
  const result = await runTmuxCommands(server, [
    create,
    ['set-option', '-t', target, 'destroy-unattached', 'off'],
    ['set-hook', '-t', target, 'client-detached', killWhenUnattached],
  ]);
  if (result.exitCode !== 0 && !/^duplicate session/u.test(result.stderr.trim())) {
    throw tmuxProcessError(server, create, result);
  }
}

/** Throws {@link ServerNotRunningError} unless a server answers on the socket. */
async function assertServerRunning(server: TmuxServerOptions): Promise<void> {
  const result = await runTmuxProcess(server, ['list-sessions', '-F', '#{session_id}']);
  if (result.exitCode !== 0) {
    throw new ServerNotRunningError(describeServer(server), result.stderr.trim());
  }
}
