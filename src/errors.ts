/**
 * Every error this library throws is an {@link OrchestratorError} with a stable
 * `code`, so callers can branch on `err.code` without matching messages.
 *
 * @module
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_TMUX_NOT_FOUND'
  | 'ERR_TMUX_VERSION'
  | 'ERR_TMUX_SERVER_NOT_RUNNING'
  | 'ERR_TMUX_COMMAND'
  | 'ERR_TMUX_PROTOCOL'
  | 'ERR_CONNECTION_CLOSED'
  | 'ERR_COMMAND_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_POOL_CLOSED'
  | 'ERR_POOL_ACQUIRE_TIMEOUT'
  | 'ERR_RETRY_TIMEOUT'
  | 'ERR_UNKNOWN_STRATEGY'
  | 'ERR_DUPLICATE_AGENT'
  | 'ERR_UNKNOWN_AGENT'
  | 'ERR_AGENT_EXITED'
  | 'ERR_INPUT_NOT_EMPTY'
  | 'ERR_DELIVERY_FAILED'
  | 'ERR_OBSERVATION_TIMEOUT'
  | 'ERR_MONITOR_CLOSED'
  | 'ERR_RECOVERY_FAILED'
  | 'ERR_INVALID_SCHEDULE'
  | 'ERR_UNKNOWN_HANDLER'
  | 'ERR_SCHEDULE_STORE'
  | 'ERR_SCHEDULER_CLOSED'
  | 'ERR_METRICS_SERVER';

/**
 * Base class of every error thrown by tmux-orchestrator.
 *
 * @example
 * try {
 *   await client.capturePane('%99');
 * } catch (error) {
 *   if (error instanceof OrchestratorError && error.code === 'ERR_TMUX_COMMAND') console.log('no such pane');
 * }
 */
export class OrchestratorError extends Error {
  /** Stable, machine-readable code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An option passed to a constructor or factory is invalid.
 *
 * @example
 * literalKeysDelivery({ chunkSize: -1 });
 * // throws InvalidOptionError: Expected `chunkSize` to be an integer >= 1, got `-1` (number)
 */
export class InvalidOptionError extends OrchestratorError {
  constructor(message: string) {
    super('ERR_INVALID_OPTION', message);
  }
}

/**
 * An argument cannot be carried to tmux unchanged (for example it contains a
 * NUL byte or a lone UTF-16 surrogate). Nothing was sent.
 *
 * @example
 * quoteArgument('a\u0000b');
 * // throws InvalidArgumentError: tmux cannot carry a NUL character in argument "a\u0000b"
 */
export class InvalidArgumentError extends OrchestratorError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/**
 * The tmux binary could not be run.
 *
 * @example
 * try {
 *   await detectTmuxVersion('/opt/tmux/bin/tmux');
 * } catch (error) {
 *   if (error instanceof TmuxNotFoundError) console.error(`cannot run ${error.tmuxPath}`);
 * }
 */
export class TmuxNotFoundError extends OrchestratorError {
  /** The binary that was tried. */
  readonly tmuxPath: string;

  constructor(tmuxPath: string, cause?: unknown) {
    super('ERR_TMUX_NOT_FOUND', `tmux binary \`${tmuxPath}\` could not be run; install tmux >= 3.2 or set \`tmuxPath\``, { cause });
    this.tmuxPath = tmuxPath;
  }
}

/**
 * The installed tmux is older than the minimum supported version.
 *
 * @example
 * try {
 *   await detectTmuxVersion();
 * } catch (error) {
 *   if (error instanceof TmuxVersionError) console.error(`tmux ${error.found} is too old, ${error.required} or newer is needed`);
 * }
 */
export class TmuxVersionError extends OrchestratorError {
  /** The version tmux reported, e.g. `3.1c`. */
  readonly found: string;
  /** The minimum version required. */
  readonly required: string;

  constructor(found: string, required: string) {
    super('ERR_TMUX_VERSION', `tmux ${required} or newer is required, found ${found}`);
    this.found = found;
    this.required = required;
  }
}

/**
 * No tmux server is listening on the socket and starting one was not requested.
 *
 * @example
 * try {
 *   await TmuxClient.connect({ socketName: 'agents' });
 * } catch (error) {
 *   if (error instanceof ServerNotRunningError) console.log(`nothing runs on ${error.server}`);
 * }
 */
export class ServerNotRunningError extends OrchestratorError {
  /** Human-readable description of the socket, e.g. `-L agents`. */
  readonly server: string;

  constructor(server: string, cause?: unknown) {
    super('ERR_TMUX_SERVER_NOT_RUNNING', `no tmux server is running on ${server} (pass \`startServer: true\` to start one)`, { cause });
    this.server = server;
  }
}

/**
 * tmux ran the command and reported an error (an `%error` reply or a non-zero exit).
 *
 * @example
 * try {
 *   await client.killPane('%99');
 * } catch (error) {
 *   if (error instanceof TmuxCommandError) console.log(error.tmuxMessage); // "can't find pane: %99"
 * }
 */
export class TmuxCommandError extends OrchestratorError {
  /** The command as an argument vector, exactly as the caller passed it. */
  readonly command: readonly string[];
  /** tmux's own message, e.g. `can't find pane: %99`. */
  readonly tmuxMessage: string;

  constructor(command: readonly string[], tmuxMessage: string) {
    super('ERR_TMUX_COMMAND', `tmux ${command[0] ?? ''} failed: ${tmuxMessage}`);
    this.command = command;
    this.tmuxMessage = tmuxMessage;
  }
}

/**
 * tmux sent something the control-mode parser cannot make sense of.
 *
 * @example
 * integer('#{pane_pid}').parse('abc');
 * // throws TmuxProtocolError: expected an integer for #{pane_pid}, got "abc"
 */
export class TmuxProtocolError extends OrchestratorError {
  constructor(message: string) {
    super('ERR_TMUX_PROTOCOL', message);
  }
}

/**
 * The control connection closed (tmux exited, the server was killed, the
 * process died, or `close()` was called) before the command was answered.
 * Whether the command ran is unknown.
 *
 * @example
 * try {
 *   await connection.run(['list-panes', '-a']);
 * } catch (error) {
 *   if (error instanceof ConnectionClosedError) console.warn(`tmux went away (${error.reason}); the command may have run`);
 * }
 */
export class ConnectionClosedError extends OrchestratorError {
  /** Why the connection closed, as far as it is known. */
  readonly reason: string;

  constructor(reason: string, cause?: unknown) {
    super('ERR_CONNECTION_CLOSED', `tmux connection closed: ${reason}`, { cause });
    this.reason = reason;
  }
}

/**
 * A command was not answered within its timeout. It may still run.
 *
 * @example
 * try {
 *   await client.run(['list-panes', '-a'], { timeoutMs: 500 });
 * } catch (error) {
 *   if (error instanceof CommandTimeoutError) console.warn(`tmux ${error.command[0]} took over ${error.timeoutMs} ms`);
 * }
 */
export class CommandTimeoutError extends OrchestratorError {
  /** The command as an argument vector. */
  readonly command: readonly string[];
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(command: readonly string[], timeoutMs: number) {
    super('ERR_COMMAND_TIMEOUT', `tmux ${command[0] ?? ''} was not answered within ${timeoutMs} ms`);
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's AbortSignal fired before the operation finished.
 *
 * @example
 * try {
 *   await client.run(['list-panes', '-a'], { signal: AbortSignal.timeout(1_000) });
 * } catch (error) {
 *   if (error instanceof AbortedError) console.warn('gave up on list-panes');
 * }
 */
export class AbortedError extends OrchestratorError {
  constructor(cause?: unknown) {
    super('ERR_ABORTED', 'the operation was aborted', { cause });
  }
}

/**
 * The pool was closed or is draining; it accepts no more commands.
 *
 * @example
 * await pool.close();
 * await pool.run(['list-sessions']); // rejects with PoolClosedError
 */
export class PoolClosedError extends OrchestratorError {
  constructor() {
    super('ERR_POOL_CLOSED', 'the connection pool is closed');
  }
}

/**
 * No connection became available within the pool's acquire timeout.
 *
 * @example
 * try {
 *   await pool.run(['capture-pane', '-p', '-t', paneId]);
 * } catch (error) {
 *   if (error instanceof PoolAcquireTimeoutError) console.warn(`no connection free within ${error.timeoutMs} ms`);
 * }
 */
export class PoolAcquireTimeoutError extends OrchestratorError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('ERR_POOL_ACQUIRE_TIMEOUT', `no tmux connection became available within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}
