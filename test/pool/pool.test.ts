import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  ExecRunner,
  InvalidOptionError,
  PoolAcquireTimeoutError,
  PoolClosedError,
  ServerNotRunningError,
  TmuxClient,
  TmuxCommandError,
  type Notification,
} from '../../src/index.js';
import type { ConnectionPoolOptions } from '../../src/pool/options.js';
import { ConnectionPool } from '../../src/pool/pool.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import { block, channel, release } from './helpers.js';

let tmux: TestServer;
let exec: ExecRunner;
const panes: string[] = [];

beforeAll(async () => {
  tmux = await createTestServer();
  exec = new ExecRunner(tmux.server);
  // Four panes, each showing its own marker, to check every capture gets its own pane's screen.
  for (let i = 0; i < 4; i++) {
    const [pane] = await exec.run(['new-session', '-d', '-s', `pane-${i}`, '-P', '-F', '#{pane_id}', '--', 'sh', '-c', `echo marker-${i}; exec cat`]);
    panes.push(pane as string);
  }
  for (const [i, pane] of panes.entries()) {
    await retryUntil(async () => (await exec.run(['capture-pane', '-p', '-t', pane]))[0] === `marker-${i}`);
  }
});
afterAll(() => tmux.kill());

/** A pool on this file's server, without health pings unless asked. */
function openPool(options: Omit<ConnectionPoolOptions, 'socketPath' | 'configFile'> = {}): Promise<ConnectionPool> {
  return ConnectionPool.open({ pingIntervalMs: 0, ...tmux.server, ...options });
}

describe('options', () => {
  it.each([
    [{ max: 0 }, 'Expected `max` to be an integer >= 1, got `0` (number)'],
    [{ min: 0 }, 'Expected `min` to be an integer >= 1, got `0` (number)'],
    [{ min: 1.5 }, 'Expected `min` to be an integer >= 1, got `1.5` (number)'],
    [{ min: 3, max: 2 }, 'Expected `min` to be <= `max`, got min `3` and max `2`'],
    [{ acquireTimeoutMs: -1 }, 'Expected `acquireTimeoutMs` to be a positive number, got `-1` (number)'],
    [{ pingIntervalMs: -5 }, 'Expected `pingIntervalMs` to be an integer >= 0, got `-5` (number)'],
    [{ maxPendingPerConnection: 0 }, 'Expected `maxPendingPerConnection` to be an integer >= 1, got `0` (number)'],
    [{ growAfterMs: 0 }, 'Expected `growAfterMs` to be a positive number, got `0` (number)'],
    [{ socketName: 'a/b' }, 'Expected `socketName` to be a name without `/`, got `a/b`; use `socketPath` for a path'],
  ] satisfies [ConnectionPoolOptions, string][])('rejects %o before connecting', (options, message) => {
    expect(() => new ConnectionPool(options)).toThrow(new InvalidOptionError(message));
  });

  it('defaults `max` to `min` when `min` is above 4', async () => {
    let pool: ConnectionPool | undefined;
    expect(() => (pool = new ConnectionPool({ ...tmux.server, min: 6, pingIntervalMs: 0 }))).not.toThrow();
    await pool?.close();
  });
});

describe('opening', () => {
  it('opens `min` connections up front', async () => {
    await using pool = await openPool({ min: 3, max: 4 });
    expect(pool.connections).toHaveLength(3);
    expect(new Set(pool.connections.map((connection) => connection.pid)).size).toBe(3);
    expect(pool.stats).toMatchObject({ connections: 3, created: 3, commands: 0 });
  });

  it('fails fast with ServerNotRunningError when no server runs, unless asked to start one', async () => {
    const socketPath = join(tmux.directory, 'not-started.sock');
    await expect(ConnectionPool.open({ socketPath, configFile: '/dev/null' })).rejects.toBeInstanceOf(ServerNotRunningError);
    const started = await ConnectionPool.open({ socketPath, configFile: '/dev/null', startServer: true, min: 2, pingIntervalMs: 0 });
    try {
      expect(started.connections).toHaveLength(2);
      expect(await started.run(['display-message', '-p', '#{socket_path}'])).toEqual([socketPath]);
    } finally {
      await started.close();
      await new ExecRunner({ socketPath }).run(['kill-server']).catch(() => undefined);
    }
  });

  it('connects on the first command when made with `new`', async () => {
    await using pool = new ConnectionPool({ ...tmux.server, pingIntervalMs: 0 });
    expect(pool.connections).toHaveLength(0);
    expect(await pool.run(['display-message', '-p', 'lazy'])).toEqual(['lazy']);
    expect(pool.stats.created).toBe(1);
  });
});

describe('distribution', () => {
  it('pipelines 1000 commands over the least busy of 4 connections, each answered with its own reply', async () => {
    await using pool = await openPool({ min: 4, max: 4, maxPendingPerConnection: 1000 });
    const before = pool.connections.map((connection) => connection.commandCount);
    const replies = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0
        ? pool.run(['capture-pane', '-p', '-t', panes[i % 4] as string], { readOnly: true }).then((lines) => lines[0])
        : pool.run(['display-message', '-p', `reply-${i}`]).then((lines) => lines.join('\n')),
    );
    // Every command went straight to a connection: none waited for room.
    expect(pool.stats).toMatchObject({ pending: 1000, waiting: 0, inUse: 4 });
    expect(pool.connections.map((connection, i) => connection.commandCount - (before[i] as number))).toEqual([250, 250, 250, 250]);
    const answers = await Promise.all(replies);
    answers.forEach((answer, i) => expect(answer).toBe(i % 2 === 0 ? `marker-${i % 4}` : `reply-${i}`));
    expect(pool.stats).toMatchObject({ pending: 0, inUse: 0, commands: 1000, errors: 0, created: 4 });
  });

  it('grows toward `max` when every connection is backed up, and sends new commands to the idle one', async () => {
    await using pool = await openPool({ min: 1, max: 2 });
    const chan = channel();
    await block(pool, chan);
    const first = pool.connections[0];
    const held = Array.from({ length: 8 }, (_, i) => pool.run(['display-message', '-p', `held-${i}`]));
    await retryUntil(() => pool.stats.connections === 2, { description: 'a second connection' });
    // The blocked connection still holds 8 commands; this one goes to the new, idle connection.
    expect(await pool.run(['display-message', '-p', 'around'])).toEqual(['around']);
    expect(pool.connections[0]).toBe(first);
    expect(first?.pending).toBe(8);
    await release(exec, chan);
    expect(await Promise.all(held)).toEqual(held.map((_, i) => [`held-${i}`]));
  });

  it('stays at one connection while tmux works through a backlog', async () => {
    await using pool = await openPool({ min: 1, max: 4, growAfterMs: 2_000 });
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run(['display-message', '-p', `x${i}`])));
    expect(replies[499]).toEqual(['x499']);
    expect(pool.stats).toMatchObject({ connections: 1, created: 1 });
  });

  it('stays at one connection while commands do not back up', async () => {
    await using pool = await openPool({ min: 1, max: 4 });
    for (let i = 0; i < 20; i++) await pool.run(['display-message', '-p', 'x']);
    expect(pool.stats).toMatchObject({ connections: 1, created: 1 });
  });
});

describe('saturation', () => {
  it('makes callers wait when every connection is full, up to `acquireTimeoutMs`', async () => {
    await using pool = await openPool({ min: 1, max: 1, maxPendingPerConnection: 2, acquireTimeoutMs: 300 });
    const chan = channel();
    await block(pool, chan);
    const held = [pool.run(['display-message', '-p', 'a']), pool.run(['display-message', '-p', 'b'])];
    expect(pool.stats).toMatchObject({ pending: 2, waiting: 0 });

    const timedOut = pool.run(['display-message', '-p', 'c']);
    expect(pool.stats).toMatchObject({ pending: 3, waiting: 1 });
    const error = await timedOut.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolAcquireTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_POOL_ACQUIRE_TIMEOUT', timeoutMs: 300 });
    expect(pool.stats).toMatchObject({ pending: 2, waiting: 0, errors: 1 });

    const controller = new AbortController();
    const aborted = pool.run(['display-message', '-p', 'd'], { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(pool.stats.waiting).toBe(0);

    // A waiting command is sent as soon as a reply makes room.
    const served = pool.run(['display-message', '-p', 'e']);
    expect(pool.stats.waiting).toBe(1);
    await release(exec, chan);
    expect(await Promise.all([...held, served])).toEqual([['a'], ['b'], ['e']]);
    expect(pool.connections).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('drain() refuses new commands and waits for pending ones', async () => {
    const pool = await openPool();
    const chan = channel();
    await block(pool, chan);
    const pending = [1, 2, 3].map((i) => pool.run(['display-message', '-p', `p${i}`]));
    let drained = false;
    const draining = pool.drain().then(() => (drained = true));
    expect(pool.closed).toBe(true);
    await expect(pool.run(['display-message', '-p', 'late'])).rejects.toBeInstanceOf(PoolClosedError);
    // A round trip through the server: the pending commands are still held, so drain() has not finished.
    await exec.run(['display-message', '-p', 'barrier']);
    expect(drained).toBe(false);
    await release(exec, chan);
    await draining;
    expect(await Promise.all(pending)).toEqual([['p1'], ['p2'], ['p3']]);
    expect(pool.connections).toHaveLength(1);
    await pool.close();
  });

  it('close() is idempotent, closes every connection and emits `close` once', async () => {
    const pool = await openPool({ min: 2, max: 2 });
    const connections = pool.connections;
    const events: unknown[] = [];
    pool.on('close', (event) => events.push(event));
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    await closing;
    await pool.close();
    expect(events).toEqual([{ reason: 'pool closed', expected: true }]);
    expect(pool.connections).toEqual([]);
    expect(connections.every((connection) => connection.closed)).toBe(true);
    await expect(pool.run(['display-message', '-p', 'x'])).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('closes with `await using`', async () => {
    let escaped: ConnectionPool | undefined;
    {
      await using pool = await openPool();
      escaped = pool;
      expect(await pool.run(['display-message', '-p', 'inside'])).toEqual(['inside']);
    }
    expect(escaped.closed).toBe(true);
    expect(escaped.connections).toEqual([]);
  });
});

describe('stats', () => {
  it('counts commands, errors, connections and acquire times', async () => {
    await using pool = await openPool({ min: 2, max: 2 });
    const empty = pool.stats;
    expect(empty.acquireP50Ms).toBeNaN();
    expect(empty.acquireP99Ms).toBeNaN();

    await Promise.all(Array.from({ length: 10 }, () => pool.run(['display-message', '-p', 'x'])));
    await expect(pool.run(['capture-pane', '-p', '-t', '%9999'])).rejects.toBeInstanceOf(TmuxCommandError);
    const stats = pool.stats;
    expect(stats).toMatchObject({
      connections: 2,
      inUse: 0,
      pending: 0,
      waiting: 0,
      commands: 11,
      errors: 1,
      retries: 0,
      created: 2,
      replaced: 0,
    });
    expect(stats.acquireP50Ms).toBeGreaterThanOrEqual(0);
    expect(stats.acquireP99Ms).toBeGreaterThanOrEqual(stats.acquireP50Ms);
    expect(Number.isFinite(stats.acquireP99Ms)).toBe(true);
    expect(pool.acquireLatency.count).toBe(11);
  });
});

describe('notifications', () => {
  /** Counts notifications by kind. */
  function counter(): { counts: Map<string, number>; listener: (notification: Notification) => void } {
    const counts = new Map<string, number>();
    return { counts, listener: (notification) => counts.set(notification.kind, (counts.get(notification.kind) ?? 0) + 1) };
  }

  it('come once each, from the primary connection, however many are open; the next oldest takes over', async () => {
    await using pool = await openPool({ min: 3, max: 3 });
    const client = new TmuxClient(pool);

    /** Counts what the pool and each open connection report while a session is made and renamed. */
    async function watchNewSession(name: string): Promise<{ forwarded: Map<string, number>; perConnection: Map<string, number>[] }> {
      const forwarded = counter();
      pool.on('notification', forwarded.listener);
      const perConnection = pool.connections.map((connection) => {
        const seen = counter();
        connection.on('notification', seen.listener);
        return seen.counts;
      });
      const { sessionId } = await client.newSession({ name, command: ['cat'] });
      await client.run(['rename-session', '-t', sessionId, `${name}-renamed`]);
      // The rename comes last: once every connection has reported it, none has anything left to report.
      await retryUntil(() => perConnection.every((counts) => counts.get('session-renamed') === 1), {
        description: `every connection to report ${name} renamed`,
      });
      pool.off('notification', forwarded.listener);
      return { forwarded: forwarded.counts, perConnection };
    }

    let sessionsChanged = 0;
    client.on('sessions-changed', () => sessionsChanged++);
    const first = await watchNewSession('notified');
    expect(first.perConnection).toHaveLength(3);
    expect(first.perConnection[0]?.get('sessions-changed')).toBeGreaterThanOrEqual(1);
    // Each connection saw everything; the pool passed on the primary's share only.
    expect(first.forwarded).toEqual(first.perConnection[0]);
    expect(first.forwarded.get('session-renamed')).toBe(1);
    expect(sessionsChanged).toBe(first.forwarded.get('sessions-changed'));

    const [oldPrimary, nextPrimary] = pool.connections;
    const closed = new Promise((resolve) => pool.once('connection:closed', resolve));
    process.kill(oldPrimary?.pid as number, 'SIGKILL');
    await closed;
    expect(pool.connections[0]).toBe(nextPrimary);
    await retryUntil(() => pool.stats.connections === 3, { description: 'a replacement connection' });

    const second = await watchNewSession('after-switch');
    expect(second.perConnection).toHaveLength(3);
    expect(second.forwarded).toEqual(second.perConnection[0]);
    expect(second.forwarded.get('session-renamed')).toBe(1);
    await client.close();
  });

  it('reach a TmuxClient wrapping the pool, which hears the pool close', async () => {
    const pool = await openPool();
    const client = new TmuxClient(pool);
    const added: string[] = [];
    client.on('window-add', (event) => added.push(event.windowId));
    client.on('unlinked-window-add', (event) => added.push(event.windowId));
    const closes: unknown[] = [];
    client.on('close', (event) => closes.push(event));
    const { windowId } = await client.newSession({ name: 'via-client', command: ['cat'] });
    await retryUntil(() => added.includes(windowId), { description: 'the new window notification' });
    expect(added.filter((id) => id === windowId)).toHaveLength(1);
    expect((await client.listSessions()).map((session) => session.name)).toContain('via-client');
    await pool.close();
    expect(closes).toEqual([{ reason: 'pool closed', expected: true }]);
    await client.close();
  });

  it('close with a TmuxClient that owns the pool', async () => {
    const pool = await openPool();
    const client = new TmuxClient(pool, { owned: true });
    await client.close();
    expect(pool.closed).toBe(true);
    expect(pool.connections).toEqual([]);
  });
});
