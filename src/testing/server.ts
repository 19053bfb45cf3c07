/**
 * Isolated tmux servers for tests: each on its own socket in a private
 * temporary directory, with no user configuration, removed afterwards.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { TmuxClient } from '../tmux/client.js';
import type { ControlConnectionOptions } from '../tmux/connection.js';
import { runTmuxCommands, runTmuxProcess } from '../tmux/exec.js';
import type { TmuxServerOptions } from '../tmux/server.js';
import { retryUntil } from './retry.js';

/** Options of {@link createTestServer}. */
export interface TestServerOptions {
  /**
   * The tmux binary.
   * @default 'tmux'
   */
  readonly tmuxPath?: string;
  /** Extra lines for the server's configuration file. */
  readonly config?: readonly string[];
}

/** A private tmux server. */
export interface TestServer {
  /** Pass these to `TmuxClient.connect`, `ConnectionPool`, `ExecRunner`… */
  readonly server: TmuxServerOptions;
  /** The socket's path. */
  readonly socketPath: string;
  /** The temporary directory holding the socket and configuration; removed by `kill()`. */
  readonly directory: string;
  /** Opens a control-mode client to this server. */
  connect(options?: Omit<ControlConnectionOptions, keyof TmuxServerOptions>): Promise<TmuxClient>;
  /** Kills the server and removes its directory. Idempotent. */
  kill(): Promise<void>;
  /** Same as `kill()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a tmux server on a socket of its own (`-S` in a new temporary
 * directory), with no user configuration, that stays up with no sessions.
 *
 * @throws `TmuxNotFoundError` when tmux cannot run, `InvalidOptionError` when
 *   it rejects a `config` line (the directory is removed again either way).
 *
 * @example
 * const tmux = await createTestServer();
 * afterAll(() => tmux.kill());
 * const client = await tmux.connect();
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'tmo-test-'));
  const socketPath = join(directory, 'tmux.sock');
  const configFile = join(directory, 'tmux.conf');
  await writeFile(configFile, ['set -s exit-empty off', ...(options.config ?? [])].join('\n') + '\n');
  const server: TmuxServerOptions = {
    socketPath,
    configFile,
    ...(options.tmuxPath === undefined ? {} : { tmuxPath: options.tmuxPath }),
  };
  let serverPid = Number.NaN;
  try {
    // The configuration is sourced by a client rather than read at start, so a
    // line tmux rejects is reported instead of leaving no server behind.
    const started = await runTmuxCommands({ ...server, configFile: '/dev/null' }, [
      ['start-server'],
      ['set-option', '-s', 'exit-empty', 'off'],
      ['display-message', '-p', '#{pid}'],
      ['source-file', configFile],
    ]);
    serverPid = Number.parseInt(started.stdout, 10);
    if (started.exitCode !== 0) {
      await runTmuxProcess(server, ['kill-server']);
      // tmux prints what `source-file` rejected on standard output.
      const message = `${started.stdout}${started.stderr}`.trim();
      throw new InvalidOptionError(`Expected \`config\` lines tmux accepts, got: ${message}`);
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let killed: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    killed ??= (async () => {
      await runTmuxProcess(server, ['kill-server']).catch(() => undefined);
      await ensureExited(serverPid);
      // Programs in the panes may still be writing into the directory as they exit
      // (an agent saving its session): rm retries on ENOTEMPTY and EBUSY.
      await rm(directory, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    })();
    return killed;
  };
  return {
    server,
    socketPath,
    directory,
    connect: (connectOptions = {}) => TmuxClient.connect({ ...connectOptions, ...server }),
    kill,
    [Symbol.asyncDispose]: kill,
  };
}

/**
 * Waits for the server process to exit after `kill-server`, and kills it if it
 * has not within a second: a server whose control clients have stopped
 * reading (their reader crashed or exited) can wait on them forever.
 */
async function ensureExited(pid: number): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    // An exited server nobody has reaped yet is a zombie: gone for our purposes.
    try {
      return !/^\d+ \(.*\) Z/su.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true; // no /proc (macOS): the signal check stands
    }
  };
  try {
    await retryUntil(() => !alive(), { timeoutMs: 1_000, description: `tmux server ${pid} to exit` });
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}
