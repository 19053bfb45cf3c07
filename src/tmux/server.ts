/**
 * Which tmux server to talk to, and how to name it on tmux's command line.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import { describeValue } from '../util/options.js';

/** Identifies a tmux server and the binary that talks to it. */
export interface TmuxServerOptions {
  /**
   * Socket name, as `tmux -L NAME` (a socket in tmux's socket directory).
   * Leave both `socketName` and `socketPath` unset for the default server.
   */
  readonly socketName?: string;
  /** Socket path, as `tmux -S PATH`. Mutually exclusive with `socketName`. */
  readonly socketPath?: string;
  /**
   * The tmux binary.
   * @default 'tmux'
   */
  readonly tmuxPath?: string;
  /**
   * Configuration file read when this client starts the server, as `tmux -f FILE`
   * (`/dev/null` for none). Ignored when the server is already running.
   * @default tmux's own default (`~/.tmux.conf` and friends)
   */
  readonly configFile?: string;
}

/** The arguments that select the server on tmux's command line, e.g. `['-L', 'agents']`. */
export function serverArgs(server: TmuxServerOptions): string[] {
  validateServer(server);
  const args: string[] = [];
  if (server.socketName !== undefined) args.push('-L', server.socketName);
  if (server.socketPath !== undefined) args.push('-S', server.socketPath);
  if (server.configFile !== undefined) args.push('-f', server.configFile);
  return args;
}

/** A short human description of the server, for messages: `-L agents`, `-S /tmp/x`, `the default server`. */
export function describeServer(server: TmuxServerOptions): string {
  if (server.socketName !== undefined) return `-L ${server.socketName}`;
  if (server.socketPath !== undefined) return `-S ${server.socketPath}`;
  return 'the default server';
}

/** A stable key per server, for pools and caches. */
export function serverKey(server: TmuxServerOptions): string {
  return `${server.tmuxPath ?? 'tmux'} ${describeServer(server)}`;
}

/**
 * The environment for tmux child processes: the caller's, without `TMUX`
 * (which would make tmux refuse to nest or pick the enclosing server).
 */
export function tmuxEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

function validateServer(server: TmuxServerOptions): void {
  if (server.socketName !== undefined && server.socketPath !== undefined) {
    throw new InvalidOptionError('Expected only one of `socketName` and `socketPath`, got both');
  }
  for (const key of ['socketName', 'socketPath', 'tmuxPath', 'configFile'] as const) {
    const value = server[key];
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.includes('\u0000'))) {
      throw new InvalidOptionError(`Expected \`${key}\` to be a non-empty string, got ${describeValue(value)}`);
    }
  }
  if (server.socketName?.includes('/')) {
    throw new InvalidOptionError(`Expected \`socketName\` to be a name without \`/\`, got \`${server.socketName}\`; use \`socketPath\` for a path`);
  }
}
