/**
 * `PoolGroup`: one {@link ConnectionPool} per tmux server behind one object,
 * for spreading agents over several servers.
 *
 * @module
 */
import { PoolClosedError } from '../errors.js';
import { serverKey, type TmuxServerOptions } from '../tmux/server.js';
import { percentile } from '../util/latency.js';
import { resolvePoolSettings, type ConnectionPoolOptions, type ConnectionPoolStats } from './options.js';
import { ConnectionPool } from './pool.js';

/** Options of {@link PoolGroup}: the pool options every server's pool gets. */
export type PoolGroupOptions = Omit<ConnectionPoolOptions, keyof TmuxServerOptions>;

/** Stats of every pool in a {@link PoolGroup}, and their sum. */
export interface PoolGroupStats {
  /** Each pool's stats, keyed by `serverKey()` (e.g. `tmux -L agents`). */
  readonly servers: Readonly<Record<string, ConnectionPoolStats>>;
  /** Counts summed over all pools; acquire percentiles over all pools' recent samples together. */
  readonly total: ConnectionPoolStats;
}

type PoolCounts = { -readonly [K in Exclude<keyof ConnectionPoolStats, 'acquireP50Ms' | 'acquireP99Ms'>]: number };

/**
 * A lazily filled set of connection pools, one per server (keyed by
 * `serverKey()`), all made with the same options.
 *
 * @example
 * await using pools = new PoolGroup({ max: 4 });
 * const a = new TmuxClient(pools.get({ socketName: 'agents-a' }));
 * const b = new TmuxClient(pools.get({ socketName: 'agents-b' }));
 */
export class PoolGroup {
  readonly #options: PoolGroupOptions;
  readonly #pools = new Map<string, ConnectionPool>();
  #closing: Promise<void> | undefined;

  /** @throws `InvalidOptionError` for an invalid option (checked here, before any pool exists). */
  constructor(options: PoolGroupOptions = {}) {
    resolvePoolSettings(options);
    this.#options = options;
  }

  /** The pools made so far, keyed by `serverKey()`. A pool leaves the group when it closes; `get()` then makes a new one. */
  get pools(): ReadonlyMap<string, ConnectionPool> {
    return new Map(this.#pools);
  }

  /**
   * The pool for `server`, made on first use (it connects when its first
   * command arrives; see {@link ConnectionPool}).
   *
   * @throws {@link PoolClosedError} once the group is closing.
   */
  get(server: TmuxServerOptions): ConnectionPool {
    if (this.#closing !== undefined) throw new PoolClosedError();
    const key = serverKey(server);
    let pool = this.#pools.get(key);
    if (pool === undefined || pool.closed) {
      const { socketName, socketPath, tmuxPath, configFile } = server;
      const created = new ConnectionPool({ ...this.#options, socketName, socketPath, tmuxPath, configFile });
      created.once('close', () => {
        if (this.#pools.get(key) === created) this.#pools.delete(key);
      });
      this.#pools.set(key, created);
      pool = created;
    }
    return pool;
  }

  /** Each pool's stats and their sum. */
  get stats(): PoolGroupStats {
    const servers: Record<string, ConnectionPoolStats> = {};
    const total: PoolCounts = { connections: 0, inUse: 0, pending: 0, waiting: 0, commands: 0, errors: 0, retries: 0, created: 0, replaced: 0 };
    const samples: number[] = [];
    for (const [key, pool] of this.#pools) {
      const stats = pool.stats;
      servers[key] = stats;
      for (const name of Object.keys(total) as (keyof PoolCounts)[]) total[name] += stats[name];
      samples.push(...pool.acquireLatency.values());
    }
    return {
      servers,
      total: { ...total, acquireP50Ms: percentile(samples, 50), acquireP99Ms: percentile(samples, 99) },
    };
  }

  /** Closes every pool (each drains first). Idempotent: every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([...this.#pools.values()].map((pool) => pool.close())).then(() => undefined);
    return this.#closing;
  }

  /** Same as {@link PoolGroup.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
