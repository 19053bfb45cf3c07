/**
 * `TmuxClient`: typed tmux helpers over any {@link CommandRunner}, with typed
 * events for tmux's notifications when the runner delivers them.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import { ConnectionClosedError, InvalidArgumentError, TmuxCommandError, TmuxProtocolError } from '../errors.js';
import { ControlConnection, isHiddenSession, type ConnectionCloseEvent, type ControlConnectionOptions } from './connection.js';
import { PaneTextDecoder } from './escape.js';
import type { NotifyingRunner, TmuxClientEvents } from './client-events.js';
import type { Notification } from './notifications.js';
import { assertCarriable, escapeFormat } from './quote.js';
import { PANE_ROW, SESSION_ROW, WINDOW_ROW, type PaneInfo, type SessionInfo, type WindowInfo } from './rows.js';
import type { CommandRunner, RunOptions } from './runner.js';

/** Where a new pane's process starts, and with what. */
export interface SpawnOptions {
  /**
   * The program and its arguments, run directly (no shell reads them).
   * Leave unset (with `shellCommand`) for the default shell.
   */
  readonly command?: readonly string[];
  /** A command line for the pane's shell to interpret; only when you want shell syntax. */
  readonly shellCommand?: string;
  /** Working directory. */
  readonly cwd?: string;
  /** Extra environment variables for the process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Options of {@link TmuxClient.newSession}. */
export interface NewSessionOptions extends SpawnOptions {
  /** Session name; tmux picks one when unset. Must not contain `:` or `.`. */
  readonly name?: string;
  /** Name of the first window. */
  readonly windowName?: string;
  /** @default 80 */
  readonly width?: number;
  /** @default 24 */
  readonly height?: number;
}

/** Options of {@link TmuxClient.newWindow}. */
export interface NewWindowOptions extends SpawnOptions {
  /** The session (id `$N`, or `=name`) to add the window to. */
  readonly target: string;
  /** Window name; tmux names it after its command when unset. */
  readonly name?: string;
}

/** Options of {@link TmuxClient.splitWindow}. */
export interface SplitWindowOptions extends SpawnOptions {
  /** The pane (or window) to split. */
  readonly target: string;
  /** `horizontal` puts the new pane beside the target, `vertical` below it. @default 'vertical' */
  readonly direction?: 'horizontal' | 'vertical';
}

/** Options of {@link TmuxClient.capturePane}. */
export interface CaptureOptions {
  /** First line: 0 is the top of the visible screen, negative lines are history, `'-'` the start of history. */
  readonly start?: number | '-';
  /** Last line, as `start`; `'-'` the end of the visible screen. */
  readonly end?: number | '-';
  /** Keep colours and attributes as escape sequences. @default false */
  readonly escapes?: boolean;
  /** Join lines that wrapped on screen. @default false */
  readonly join?: boolean;
}

/**
 * The `capture-pane` command {@link TmuxClient.capturePane} runs, for
 * capturing on another runner.
 *
 * @internal
 */
export function capturePaneCommand(target: string, options: CaptureOptions = {}): string[] {
  const argv = ['capture-pane', '-p', '-t', target];
  if (options.start !== undefined) argv.push('-S', String(options.start));
  if (options.end !== undefined) argv.push('-E', String(options.end));
  if (options.escapes === true) argv.push('-e');
  if (options.join === true) argv.push('-J');
  return argv;
}

/**
 * The `display-message -p` command {@link TmuxClient.displayMessage} runs,
 * for running on another runner.
 *
 * @internal
 */
export function displayMessageCommand(format: string, target?: string): string[] {
  return target === undefined ? ['display-message', '-p', '--', format] : ['display-message', '-p', '-t', target, '--', format];
}

/** Ids of what `newSession` created. */
export interface NewSessionResult {
  /** The new session, `$N`. */
  readonly sessionId: string;
  /** Its name (the one given, or the one tmux chose). */
  readonly sessionName: string;
  /** Its first window, `@N`. */
  readonly windowId: string;
  /** That window's pane, `%N`. */
  readonly paneId: string;
}

/** Ids of what `newWindow` created. */
export interface NewWindowResult {
  /** The new window, `@N`. */
  readonly windowId: string;
  /** Its pane, `%N`. */
  readonly paneId: string;
}

/** Where an option lives. */
export type OptionScope = 'server' | 'session' | 'window' | 'pane';

const SCOPE_FLAG: Record<OptionScope, string[]> = { server: ['-s'], session: [], window: ['-w'], pane: ['-p'] };

/**
 * Typed tmux commands. Every argument reaches tmux literally; targets are
 * best given as ids (`$N`, `@N`, `%N`), which every helper returns.
 *
 * @example
 * await using client = await TmuxClient.connect({ socketName: 'agents', startServer: true });
 * const { paneId } = await client.newSession({ name: 'work', command: ['bash'] });
 * await client.sendText(paneId, 'echo hello');
 * await client.sendKeys(paneId, ['Enter']);
 * const screen = await client.capturePane(paneId);
 */
export class TmuxClient extends EventEmitter<TmuxClientEvents> implements CommandRunner {
  /** The runner commands go through. */
  readonly runner: CommandRunner;
  readonly #owned: boolean;
  readonly #decoder = new PaneTextDecoder();
  readonly #onNotification = (notification: Notification): void => this.#notify(notification);
  readonly #onClose = (event: ConnectionCloseEvent): void => {
    this.emit('close', event);
  };
  #closing: Promise<void> | undefined;

  /**
   * Wraps a runner. Pass `{ owned: true }` to close the runner with the client.
   * Notification events arrive only from runners that report them.
   */
  constructor(runner: CommandRunner | NotifyingRunner, options: { owned?: boolean } = {}) {
    super();
    this.runner = runner;
    this.#owned = options.owned ?? false;
    if (isNotifying(runner)) {
      runner.on('notification', this.#onNotification);
      runner.on('close', this.#onClose);
    }
  }

  /** Opens a control-mode connection and returns a client that owns it. */
  static async connect(options: ControlConnectionOptions = {}): Promise<TmuxClient> {
    return new TmuxClient(await ControlConnection.open(options), { owned: true });
  }

  /** Runs any tmux command; see {@link CommandRunner.run}. */
  run(argv: readonly string[], options?: RunOptions): Promise<string[]> {
    return this.runner.run(argv, options);
  }

  /** Sessions, leaving out the control session unless asked. */
  async listSessions(options: { includeControl?: boolean } = {}): Promise<SessionInfo[]> {
    const rows = SESSION_ROW.parse(await this.run(['list-sessions', '-F', SESSION_ROW.template], { readOnly: true }));
    return options.includeControl === true ? rows : rows.filter((row) => !isHiddenSession(row.name));
  }

  /** Windows of one session (`target`), or of all sessions (hidden sessions left out). */
  async listWindows(target?: string): Promise<WindowInfo[]> {
    const scope = target === undefined ? ['-a'] : ['-t', target];
    const rows = WINDOW_ROW.parse(await this.run(['list-windows', ...scope, '-F', WINDOW_ROW.template], { readOnly: true }));
    return target === undefined ? rows.filter((row) => !isHiddenSession(row.sessionName)) : rows;
  }

  /**
   * Panes of one window (`target`), of a whole session (`{ session: target }`),
   * or of the whole server (no target; hidden sessions left out, so a window
   * linked into a monitor session is listed once). A window linked into
   * several sessions reports one of them as `sessionName` when targeted.
   */
  async listPanes(target?: string | { session: string }): Promise<PaneInfo[]> {
    const scope =
      target === undefined ? ['-a'] : typeof target === 'string' ? ['-t', target] : ['-s', '-t', target.session];
    const rows = PANE_ROW.parse(await this.run(['list-panes', ...scope, '-F', PANE_ROW.template], { readOnly: true }));
    return target === undefined ? rows.filter((row) => !isHiddenSession(row.sessionName)) : rows;
  }

  /** `true` when a session with exactly this name exists. */
  async hasSession(name: string): Promise<boolean> {
    // No session can have such a name; in a target `:` and `.` would name a window or pane.
    if (name === '' || ALTERED_IN_SESSION_NAMES.test(name)) return false;
    try {
      await this.run(['has-session', '-t', `=${name}`], { readOnly: true });
      return true;
    } catch (error) {
      if (error instanceof TmuxCommandError) return false;
      throw error;
    }
  }

  /** Creates a detached session and returns the ids of its session, window and pane. */
  async newSession(options: NewSessionOptions = {}): Promise<NewSessionResult> {
    if (options.name !== undefined) validateSessionName(options.name);
    const argv = ['new-session', '-d', '-P', '-F', '#{session_id}\u001f#{window_id}\u001f#{pane_id}\u001f#{session_name}'];
    // tmux expands the name, window name and start directory as formats.
    if (options.name !== undefined) argv.push('-s', escapeFormat(options.name));
    if (options.windowName !== undefined) argv.push('-n', escapeFormat(options.windowName));
    argv.push('-x', String(options.width ?? 80), '-y', String(options.height ?? 24));
    const [sessionId, windowId, paneId, sessionName] = splitCreated(await this.run([...argv, ...spawnArgs(options)]), 4);
    return { sessionId, windowId, paneId, sessionName } as NewSessionResult;
  }

  /** Creates a window (without switching to it) and returns its id and its pane's id. */
  async newWindow(options: NewWindowOptions): Promise<NewWindowResult> {
    const argv = ['new-window', '-d', '-P', '-F', '#{window_id}\u001f#{pane_id}', '-t', `${options.target}:`];
    if (options.name !== undefined) argv.push('-n', escapeFormat(options.name));
    const [windowId, paneId] = splitCreated(await this.run([...argv, ...spawnArgs(options)]), 2);
    return { windowId, paneId } as NewWindowResult;
  }

  /** Splits a pane (without switching to the new one) and returns the new pane's id. */
  async splitWindow(options: SplitWindowOptions): Promise<string> {
    const direction = options.direction === 'horizontal' ? '-h' : '-v';
    const argv = ['split-window', '-d', direction, '-P', '-F', '#{pane_id}', '-t', options.target];
    const [paneId] = splitCreated(await this.run([...argv, ...spawnArgs(options)]), 1);
    return paneId as string;
  }

  /**
   * Starts a new process in an existing pane (`respawn-pane`), killing the
   * current one first when `kill` is set; the pane keeps its id.
   */
  async respawnPane(target: string, options: SpawnOptions & { kill?: boolean } = {}): Promise<void> {
    const argv = ['respawn-pane', '-t', target];
    if (options.kill === true) argv.push('-k');
    await this.run([...argv, ...spawnArgs(options)]);
  }

  /**
   * Sends key names (`Enter`, `C-c`, `Escape`, `Up`…) to a pane. For text, use
   * {@link TmuxClient.sendText}, which cannot be read as key names.
   */
  async sendKeys(target: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.run(['send-keys', '-t', target, ...keys]);
  }

  /** Types `text` into a pane literally (`send-keys -l`). A newline is sent as Enter. */
  async sendText(target: string, text: string): Promise<void> {
    if (text === '') return;
    await this.run(['send-keys', '-t', target, '-l', '--', text]);
  }

  /** The pane's text, one string per line (the visible screen unless `start`/`end` say otherwise). */
  capturePane(target: string, options: CaptureOptions = {}): Promise<string[]> {
    return this.run(capturePaneCommand(target, options), { readOnly: true });
  }

  /** Kills a session. */
  async killSession(target: string): Promise<void> {
    await this.run(['kill-session', '-t', target]);
  }

  /** Kills a window. */
  async killWindow(target: string): Promise<void> {
    await this.run(['kill-window', '-t', target]);
  }

  /** Kills a pane. */
  async killPane(target: string): Promise<void> {
    await this.run(['kill-pane', '-t', target]);
  }

  /** Kills the server and every session on it. Resolves once tmux has acted, even though the connection ends. */
  async killServer(): Promise<void> {
    await this.run(['kill-server']).catch((error: unknown) => {
      if (!(error instanceof ConnectionClosedError)) throw error;
    });
  }

  /**
   * Sets an option. `target` is a session, window or pane; leave it unset with
   * `scope: 'server'` or `global: true`. User options are named `@name`.
   */
  async setOption(
    name: string,
    value: string,
    options: { target?: string; scope?: OptionScope; global?: boolean } = {},
  ): Promise<void> {
    await this.run(['set-option', ...optionArgs(name, options), '--', name, value]);
  }

  /** Unsets an option (a user option is removed). */
  async unsetOption(name: string, options: { target?: string; scope?: OptionScope; global?: boolean } = {}): Promise<void> {
    await this.run(['set-option', '-u', ...optionArgs(name, options), '--', name]);
  }

  /** An option's value, or `undefined` when it is not set at that level. */
  async showOption(
    name: string,
    options: { target?: string; scope?: OptionScope; global?: boolean } = {},
  ): Promise<string | undefined> {
    const lines = await this.run(['show-options', '-v', '-q', ...optionArgs(name, options), '--', name], { readOnly: true });
    return lines.length === 0 ? undefined : lines.join('\n');
  }

  /**
   * Expands a tmux format (`#{pane_current_command}`…) for a target and returns
   * the result. The format is tmux's language: pass no untrusted text in it.
   */
  async displayMessage(format: string, options: { target?: string } = {}): Promise<string> {
    return (await this.run(displayMessageCommand(format, options.target), { readOnly: true })).join('\n');
  }

  /** Stops listening; closes the runner too when the client owns it. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (isNotifying(this.runner)) {
        this.runner.off('notification', this.#onNotification);
        this.runner.off('close', this.#onClose);
        if (this.#owned) await this.runner.close();
      }
    })();
    return this.#closing;
  }

  /** Same as {@link TmuxClient.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #notify(notification: Notification): void {
    this.emit('notification', notification);
    if (notification.kind === 'output') {
      this.emit('output', { ...notification, text: this.#decoder.decode(notification.paneId, notification.data) });
      return;
    }
    // The cast is safe: each notification is emitted under its own kind.
    (this.emit as (event: string, payload: Notification) => boolean)(notification.kind, notification);
  }
}

function isNotifying(runner: CommandRunner): runner is NotifyingRunner {
  return typeof (runner as Partial<NotifyingRunner>).on === 'function' && typeof (runner as Partial<NotifyingRunner>).close === 'function';
}

/**
 * Characters tmux changes in a session name: `:` and `.` become `_`, and
 * `$`, the backslash and control characters are stored escaped (seen on 3.3a), so a
 * name holding any of them could not be found again by that name.
 */
const ALTERED_IN_SESSION_NAMES = /[:.$\\\u0000-\u001f\u007f]/u;

function validateSessionName(name: string): void {
  assertCarriable(name, 'session name');
  if (name === '' || ALTERED_IN_SESSION_NAMES.test(name) || isHiddenSession(name)) {
    throw new InvalidArgumentError(
      `Expected a session name without \`:\`, \`.\`, \`$\`, \`\\\` or control characters, not starting with \`__tmo-\`, got ${JSON.stringify(name)}`,
    );
  }
}

/** The arguments that start a pane's process. */
function spawnArgs(options: SpawnOptions): string[] {
  const args: string[] = [];
  if (options.cwd !== undefined) args.push('-c', escapeFormat(options.cwd));
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/u.test(key)) throw new InvalidArgumentError(`Expected an environment variable name, got ${JSON.stringify(key)}`);
    args.push('-e', `${key}=${value}`);
  }
  if (options.command !== undefined && options.shellCommand !== undefined) {
    throw new InvalidArgumentError('Expected only one of `command` and `shellCommand`');
  }
  if (options.shellCommand !== undefined) return [...args, '--', options.shellCommand];
  if (options.command === undefined) return args;
  if (options.command.length === 0) throw new InvalidArgumentError('Expected `command` to name a program, got an empty array');
  // tmux runs a single argument through the shell; `exec "$0"` runs it as a program instead.
  const argv = options.command.length === 1 ? ['/bin/sh', '-c', 'exec "$0"', options.command[0] as string] : options.command;
  return [...args, '--', ...argv];
}

function optionArgs(name: string, options: { target?: string; scope?: OptionScope; global?: boolean }): string[] {
  assertCarriable(name, 'option name');
  const args = [...SCOPE_FLAG[options.scope ?? 'session']];
  if (options.global === true) args.push('-g');
  if (options.target !== undefined) args.push('-t', options.target);
  return args;
}

function splitCreated(lines: readonly string[], count: number): string[] {
  const values = (lines[0] ?? '').split('\u001f');
  if (values.length !== count) throw new TmuxProtocolError(`expected ${count} ids in reply ${JSON.stringify(lines)}`);
  return values;
}
