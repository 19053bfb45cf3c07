import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionClosedError, ExecRunner, ServerNotRunningError, type OrchestratorError } from '../../src/index.js';
import type { ConnectionPoolOptions, PoolConnectionClosedEvent } from '../../src/pool/options.js';
import { ConnectionPool } from '../../src/pool/pool.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import { block, channel, release } from './helpers.js';

let tmux: TestServer;
let exec: ExecRunner;

beforeAll(async () => {
  tmux = await createTestServer();
  exec = new ExecRunner(tmux.server);
});
afterAll(() => tmux.kill());

function openPool(options: Omit<ConnectionPoolOptions, 'socketPath' | 'configFile'> = {}): Promise<ConnectionPool> {
  return ConnectionPool.open({ pingIntervalMs: 0, ...tmux.server, ...options });
}

/** A server user option's value, or `undefined` when it was never set. */
async function serverOption(name: string, runner = exec): Promise<string | undefined> {
  const lines = await runner.run(['show-options', '-s', '-v', '-q', name]);
  return lines.length === 0 ? undefined : lines.join('\n');
}

/** Settles to the error a promise rejected with, and when; or fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; at: number }> {
  try {
    await promise;
  } catch (error) {
    return { error, at: performance.now() };
  }
  throw new Error('expected the command to reject');
}

describe('a connection killed under load', () => {
  it('rejects every pending command with ConnectionClosedError within 1 s, retries read-only ones once, and serves the next command', async () => {
    await using pool = await openPool({ min: 1, max: 1, maxPendingPerConnection: 1000 });
    const chan = channel();
    await block(pool, chan);
    const effects = Array.from({ length: 400 }, (_, i) => rejection(pool.run(['set-option', '-s', '-a', '@under-load', `${i},`])));
    const reads = Array.from({ length: 200 }, (_, i) => pool.run(['display-message', '-p', `read-${i}`], { readOnly: true }));
    // An effectful command wrongly marked read-only shows how often a retried command runs.
    const mislabelled = pool.run(['set-option', '-s', '-a', '@mislabelled', 'x'], { readOnly: true });
    const [victim] = pool.connections;
    expect(victim?.pending).toBe(601);

    const killedAt = performance.now();
    process.kill(victim?.pid as number, 'SIGKILL');
    const rejected = await Promise.all(effects);
    const lastRejectionMs = Math.max(...rejected.map(({ at }) => at)) - killedAt;
    for (const { error } of rejected) expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((rejected[0]?.error as ConnectionClosedError).reason).toMatch(/SIGKILL/);
    expect(lastRejectionMs).toBeLessThan(1000);

    // Read-only commands ran again on the replacement connection and got their own answers.
    expect(await Promise.all(reads)).toEqual(reads.map((_, i) => [`read-${i}`]));
    expect(await mislabelled).toEqual([]);
    expect(await pool.run(['display-message', '-p', 'next'])).toEqual(['next']);
    const [replacement] = pool.connections;
    expect(replacement).not.toBe(victim);
    expect(replacement?.pid).not.toBe(victim?.pid);

    // tmux dropped the dead client's queue, so nothing ran there: the effects never ran at all
    // (no retry), and the mislabelled command ran exactly once (its one retry).
    expect(await serverOption('@under-load')).toBeUndefined();
    expect(await serverOption('@mislabelled')).toBe('x');
    expect(pool.stats).toMatchObject({ connections: 1, created: 2, replaced: 1, retries: 201, errors: 400, pending: 0 });
    await release(exec, chan);
  });

  it('retries a read-only command once, not again when the retry loses its connection too', async () => {
    await using pool = await openPool({ min: 1, max: 1 });
    const [first, second] = [channel(), channel()];
    await block(pool, first);
    const readOnly = rejection(pool.run(['set-option', '-s', '-a', '@retried', 'x'], { readOnly: true }));
    const closed: PoolConnectionClosedEvent[] = [];
    let blockedAgain: Promise<string[]> | undefined;
    pool.on('connection:closed', (event) => {
      closed.push(event);
      // Queued before the retry, so it blocks the replacement connection ahead of it.
      blockedAgain ??= pool.run(['wait-for', second]);
    });

    process.kill(pool.connections[0]?.pid as number, 'SIGKILL');
    await retryUntil(() => pool.stats.retries === 1 && pool.connections[0]?.pending === 1, {
      description: 'the retry to be held on the replacement connection',
    });
    expect(await blockedAgain).toEqual([]);
    process.kill(pool.connections[0]?.pid as number, 'SIGKILL');

    const { error } = await readOnly;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(closed.map((event) => event.expected)).toEqual([false, false]);
    // A third attempt would have run on the third connection, ahead of this command.
    expect(await pool.run(['display-message', '-p', 'third'])).toEqual(['third']);
    expect(await serverOption('@retried')).toBeUndefined();
    expect(pool.stats).toMatchObject({ retries: 1, replaced: 2, created: 3 });
    await release(exec, first);
    await release(exec, second);
  });

  it('emits connection:closed with the reason and opens a replacement', async () => {
    await using pool = await openPool({ min: 2, max: 2 });
    const events: PoolConnectionClosedEvent[] = [];
    pool.on('connection:closed', (event) => events.push(event));
    const opened: unknown[] = [];
    pool.on('connection:open', (connection) => opened.push(connection));
    const [victim, survivor] = pool.connections;
    process.kill(victim?.pid as number, 'SIGKILL');
    await retryUntil(() => opened.length === 1, { description: 'a replacement connection' });
    expect(events).toEqual([{ connection: victim, reason: expect.stringMatching(/SIGKILL/) as unknown, expected: false }]);
    expect(pool.connections).toEqual([survivor, opened[0]]);
  });
});

describe('health pings', () => {
  it('replace a connection whose ping goes unanswered', async () => {
    await using pool = await openPool({ min: 1, max: 1, pingIntervalMs: 50, commandTimeoutMs: 300 });
    const events: PoolConnectionClosedEvent[] = [];
    pool.on('connection:closed', (event) => events.push(event));
    const [stuck] = pool.connections;
    const chan = channel();
    // Nothing is pending, so the connection looks idle, but it can answer nothing more.
    await block(pool, chan);
    await retryUntil(() => events.length === 1, { description: 'the stuck connection to be replaced', timeoutMs: 5000 });
    expect(events[0]).toMatchObject({ connection: stuck, expected: false });
    expect(events[0]?.reason).toMatch(/^health ping failed: tmux display-message was not answered within 300 ms/);
    expect(await pool.run(['display-message', '-p', 'healthy'])).toEqual(['healthy']);
    expect(pool.connections[0]).not.toBe(stuck);
    expect(pool.stats.replaced).toBe(1);
    await release(exec, chan);
  });

  it('leave healthy connections alone', async () => {
    await using pool = await openPool({ min: 2, max: 2, pingIntervalMs: 20 });
    const connections = pool.connections;
    const sent = connections.map((connection) => connection.commandCount);
    await retryUntil(() => connections.every((connection, i) => connection.commandCount >= (sent[i] as number) + 3), {
      description: 'three pings on each connection',
    });
    expect(pool.connections).toEqual(connections);
    expect(pool.stats).toMatchObject({ replaced: 0, created: 2, commands: 0 });
  });
});

describe('a killed server', () => {
  it('rejects every pending command with ConnectionClosedError; new commands and new pools get ServerNotRunningError', async () => {
    const doomed = await createTestServer();
    try {
      const pool = await ConnectionPool.open({ ...doomed.server, min: 2, max: 2, pingIntervalMs: 0 });
      const openErrors: OrchestratorError[] = [];
      pool.on('connection:error', (error) => openErrors.push(error));
      const chan = channel();
      for (const connection of pool.connections) await block(connection, chan);
      const pending = Array.from({ length: 100 }, (_, i) =>
        rejection(pool.run(['display-message', '-p', `${i}`], { readOnly: i % 2 === 0 })),
      );
      expect(pool.connections.map((connection) => connection.pending)).toEqual([50, 50]);

      // SIGKILL: a `kill-server` would first wake every `wait-for` and answer the commands behind it.
      const [serverPid] = await new ExecRunner(doomed.server).run(['display-message', '-p', '#{pid}']);
      process.kill(Number(serverPid), 'SIGKILL');
      for (const { error } of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(pool.stats).toMatchObject({ connections: 0, errors: 100, retries: 50 });
      // The pool tries to get back to `min` connections, and says why it cannot.
      await retryUntil(() => openErrors.length > 0, { description: 'a failed attempt to replace the connections' });
      expect(openErrors.every((error) => error instanceof ServerNotRunningError)).toBe(true);

      await expect(pool.run(['display-message', '-p', 'x'])).rejects.toBeInstanceOf(ServerNotRunningError);
      await expect(ConnectionPool.open(doomed.server)).rejects.toBeInstanceOf(ServerNotRunningError);
      await pool.close();
      expect(pool.connections).toEqual([]);
    } finally {
      await doomed.kill();
    }
  });
});
