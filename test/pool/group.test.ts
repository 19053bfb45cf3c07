import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, PoolClosedError } from '../../src/index.js';
import { PoolGroup } from '../../src/pool/group.js';
import { serverKey } from '../../src/tmux/server.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';

let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  [first, second] = await Promise.all([createTestServer(), createTestServer()]);
});
afterAll(() => Promise.all([first.kill(), second.kill()]));

describe('PoolGroup', () => {
  it('validates the pool options up front', () => {
    expect(() => new PoolGroup({ max: 0 })).toThrow(new InvalidOptionError('Expected `max` to be an integer >= 1, got `0` (number)'));
  });

  it('keeps one pool per server, made on first use, and runs each command on its own server', async () => {
    await using group = new PoolGroup({ max: 2, pingIntervalMs: 0 });
    const a = group.get(first.server);
    expect(group.get({ ...first.server })).toBe(a);
    const b = group.get(second.server);
    expect(b).not.toBe(a);
    expect([...group.pools.keys()]).toEqual([serverKey(first.server), serverKey(second.server)]);

    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).run(['display-message', '-p', '#{socket_path}'])),
    );
    sockets.forEach((lines, i) => expect(lines).toEqual([i % 2 === 0 ? first.socketPath : second.socketPath]));

    await expect(b.run(['capture-pane', '-p', '-t', '%9999'])).rejects.toThrow();
    const stats = group.stats;
    expect(Object.keys(stats.servers)).toEqual([serverKey(first.server), serverKey(second.server)]);
    expect(stats.servers[serverKey(first.server)]).toMatchObject({ commands: 10, errors: 0 });
    expect(stats.servers[serverKey(second.server)]).toMatchObject({ commands: 11, errors: 1 });
    expect(stats.total).toMatchObject({ commands: 21, errors: 1, pending: 0, connections: a.stats.connections + b.stats.connections });
    expect(stats.total.acquireP50Ms).toBeGreaterThanOrEqual(0);
    expect(stats.total.acquireP99Ms).toBeGreaterThanOrEqual(stats.total.acquireP50Ms);
  });

  it('replaces a pool closed on its own', async () => {
    await using group = new PoolGroup({ pingIntervalMs: 0 });
    const pool = group.get(first.server);
    await pool.close();
    const fresh = group.get(first.server);
    expect(fresh).not.toBe(pool);
    expect(await fresh.run(['display-message', '-p', 'again'])).toEqual(['again']);
    expect([...group.pools.values()]).toEqual([fresh]);
  });

  it('closes every pool, idempotently, and then refuses new servers', async () => {
    const group = new PoolGroup({ pingIntervalMs: 0 });
    const pools = [group.get(first.server), group.get(second.server)];
    await Promise.all(pools.map((pool) => pool.run(['display-message', '-p', 'x'])));
    const closing = group.close();
    expect(group.close()).toBe(closing);
    await closing;
    for (const pool of pools) {
      expect(pool.closed).toBe(true);
      expect(pool.connections).toEqual([]);
    }
    expect(group.pools.size).toBe(0);
    expect(() => group.get(first.server)).toThrow(PoolClosedError);
  });
});
