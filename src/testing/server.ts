/**
 * Isolated tmux servers for tests: each on its own socket in a private
 * temporary directory, with no user configuration, removed afterwards.
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxClient } from '../tmux/client.js';
import type { ControlConnectionOptions } from '../tmux/connection.js';
import { runTmuxProcess } from '../tmux/exec.js';
import type { TmuxServerOptions } from '../tmux/server.js';

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
  const started = await runTmuxProcess(server, ['start-server']);
  if (started.exitCode !== 0) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`could not start a test tmux server: ${started.stderr.trim()}`);
  }
  let killed: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    killed ??= (async () => {
      await runTmuxProcess(server, ['kill-server']).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
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
