/**
 * The one shape every way of running tmux commands shares: a control
 * connection, a pool of them, or a process per command.
 *
 * @module
 */

/** Per-command options. */
export interface RunOptions {
  /**
   * Reject with `CommandTimeoutError` when tmux has not answered within this many
   * milliseconds. The command may still run.
   * @default the runner's `commandTimeoutMs`
   */
  readonly timeoutMs?: number;
  /** Reject with `AbortedError` when this signal fires first. The command may still run. */
  readonly signal?: AbortSignal;
  /**
   * The command only reads state, so a runner may retry it once on another
   * connection when its connection dies. Never set this for a command with effects.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Runs one tmux command given as an argument vector and resolves with its output lines. */
export interface CommandRunner {
  /**
   * Runs `argv` (e.g. `['capture-pane', '-p', '-t', '%1']`). Every argument is
   * passed to tmux literally; the result is tmux's output, one string per line.
   */
  run(argv: readonly string[], options?: RunOptions): Promise<string[]>;
}
