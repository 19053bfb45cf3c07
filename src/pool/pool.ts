/**
 * `ConnectionPool`: several control connections to one tmux server behind a
 * single `run()`, with commands pipelined on the least busy connection.
 *
 * One connection already pipelines hundreds of commands; more connections
 * keep one slow or blocking command (`wait-for`, `run-shell`, a busy server
 * iteration) from holding up everything queued behind it, and let the pool
 * survive a connection dying.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import {
  AbortedError,
  ConnectionClosedError,
  OrchestratorError,
  PoolAcquireTimeoutError,
  PoolClosedError,
  ServerNotRunningError,
} from '../errors.js';
import { ControlConnection, type ControlConnectionOptions } from '../tmux/connection.js';
import type { CommandRunner, RunOptions } from '../tmux/runner.js';
import type { TmuxServerOptions } from '../tmux/server.js';
import { LatencyWindow } from '../util/latency.js';
import { Queue } from '../util/queue.js';
import {
  resolvePoolSettings,
  type ConnectionPoolEvents,
  type ConnectionPoolOptions,
  type ConnectionPoolStats,
  type PoolSettings,
} from './options.js';

/** The health ping: cheap, read-only, answered by any live server. */
const PING = ['display-message', '-p', 'ok'] as const;

/** A command waiting for a connection with room. */
interface Request {
  waiting: boolean;
  send(connection: ControlConnection): void;
  fail(error: OrchestratorError): void;
}

/**
 * Control connections to one tmux server, used as one {@link CommandRunner}
 * that also reports notifications (so a `TmuxClient` can wrap it).
 *
 * Each command goes to the open connection with the fewest commands pending,
 * pipelined behind them. A connection that dies takes its unanswered commands
 * with it (`ConnectionClosedError`); commands run with `readOnly: true` are
 * sent once more on another connection, others never are.
 *
 * @example
 * await using pool = await ConnectionPool.open({ socketName: 'agents', max: 4 });
 * const client = new TmuxClient(pool);
 * const screens = await Promise.all(paneIds.map((id) => client.capturePane(id)));
 */
export class ConnectionPool extends EventEmitter<ConnectionPoolEvents> implements CommandRunner {
  /** The server this pool talks to. */
  readonly server: TmuxServerOptions;
  /** Recent acquire times in ms (from `run()` until the command was written), the source of the acquire percentiles. */
  readonly acquireLatency = new LatencyWindow();

  readonly #connectionOptions: ControlConnectionOptions;
  readonly #startServer: boolean;
  readonly #settings: PoolSettings;
  readonly #pingTimer: NodeJS.Timeout | undefined;
  /** Looks again whether the connections are stuck, `growAfterMs` later. */
  #stallTimer: NodeJS.Timeout | undefined;
  /** Open connections, oldest (the primary) first. */
  readonly #connections: ControlConnection[] = [];
  readonly #queue = new Queue<Request>();
  readonly #openings = new Set<Promise<void>>();
  #opening = 0;
  #waiting = 0;
  #active = 0;
  #onIdle: (() => void) | undefined;
  #draining: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #stopped = false;
  #commands = 0;
  #errors = 0;
  #retries = 0;
  #created = 0;
  #replaced = 0;

  /**
   * Makes a pool that connects when the first command arrives. Prefer
   * {@link ConnectionPool.open}, which connects up front and fails fast.
   *
   * @throws `InvalidOptionError` for an invalid option.
   */
  constructor(options: ConnectionPoolOptions = {}) {
    super();
    const settings = resolvePoolSettings(options);
    this.#settings = settings;
    // The rest are connection options, passed to every connection.
    const { min, max, acquireTimeoutMs, pingIntervalMs, maxPendingPerConnection, growAfterMs, startServer, ...connection } = options;
    this.#startServer = startServer ?? false;
    this.#connectionOptions = connection;
    const { socketName, socketPath, tmuxPath, configFile } = connection;
    this.server = { socketName, socketPath, tmuxPath, configFile };
    if (settings.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => this.#ping(), settings.pingIntervalMs);
      this.#pingTimer.unref();
    }
  }

  /**
   * Makes a pool and opens `min` connections before returning.
   *
   * @throws `ServerNotRunningError` when no server is running (and `startServer` is not set),
   *   or whatever else opening a connection throws; the pool is closed again.
   */
  static async open(options: ConnectionPoolOptions = {}): Promise<ConnectionPool> {
    const pool = new ConnectionPool(options);
    try {
      await pool.#open(); // alone: it may start the server
      await Promise.all(Array.from({ length: pool.#settings.min - 1 }, () => pool.#open()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Open connections, oldest first; the first is the primary (the one notifications come from). A copy. */
  get connections(): readonly ControlConnection[] {
    return [...this.#connections];
  }

  /** `true` once `drain()` or `close()` was called; `run()` then rejects with `PoolClosedError`. */
  get closed(): boolean {
    return this.#draining !== undefined;
  }

  /** A snapshot of the pool's load and history. */
  get stats(): ConnectionPoolStats {
    let inFlight = 0;
    let inUse = 0;
    for (const connection of this.#connections) {
      inFlight += connection.pending;
      if (connection.pending > 0) inUse++;
    }
    return {
      connections: this.#connections.length,
      inUse,
      pending: inFlight + this.#waiting,
      waiting: this.#waiting,
      commands: this.#commands,
      errors: this.#errors,
      retries: this.#retries,
      created: this.#created,
      replaced: this.#replaced,
      acquireP50Ms: this.acquireLatency.percentile(50),
      acquireP99Ms: this.acquireLatency.percentile(99),
    };
  }

  /**
   * Runs one command on the least busy connection; see {@link CommandRunner.run}.
   *
   * @throws {@link PoolClosedError} once the pool drains or closes,
   *   {@link PoolAcquireTimeoutError}, the errors of `ControlConnection.run`, and
   *   the error that kept a connection from opening when none is open.
   */
  run(argv: readonly string[], options: RunOptions = {}): Promise<string[]> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    this.#commands++;
    this.#active++;
    return this.#runWithRetry(argv, options)
      .catch((error: unknown) => {
        this.#errors++;
        throw error;
      })
      .finally(() => {
        if (--this.#active === 0) this.#onIdle?.();
      });
  }

  /**
   * Stops accepting commands (`run()` rejects with {@link PoolClosedError})
   * and resolves once every accepted command has settled. Connections stay
   * open; call {@link ConnectionPool.close} to close them. Idempotent.
   */
  drain(): Promise<void> {
    this.#draining ??= this.#active === 0 ? Promise.resolve() : new Promise((resolve) => (this.#onIdle = resolve));
    return this.#draining;
  }

  /** Drains, then closes every connection and emits `close`. Idempotent: every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Same as {@link ConnectionPool.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    await this.drain();
    this.#stopped = true;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#stallTimer);
    await Promise.all([...this.#openings, ...this.#connections.map((connection) => connection.close())]);
    this.emit('close', { reason: 'pool closed', expected: true });
  }

  async #runWithRetry(argv: readonly string[], options: RunOptions): Promise<string[]> {
    try {
      return await this.#send(argv, options);
    } catch (error) {
      if (options.readOnly !== true || !(error instanceof ConnectionClosedError) || this.#stopped) throw error;
      this.#retries++;
      try {
        return await this.#send(argv, options);
      } catch (retryError) {
        // No connection could be opened for the retry: the server is gone, which the first error already says.
        throw retryError instanceof ServerNotRunningError ? error : retryError;
      }
    }
  }

  /** Queues the command, then sends it on the least busy connection as soon as one has room. */
  #send(argv: readonly string[], options: RunOptions): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted === true) throw new AbortedError(signal.reason);
      const since = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const stopWaiting = (): boolean => {
        if (!request.waiting) return false;
        request.waiting = false;
        this.#waiting--;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const request: Request = {
        waiting: true,
        send: (connection) => {
          if (!stopWaiting()) return;
          this.acquireLatency.record(performance.now() - since);
          connection
            .run(argv, options)
            .then(resolve, reject)
            .finally(() => this.#dispatch());
        },
        fail: (error) => {
          if (stopWaiting()) reject(error);
        },
      };
      const onAbort = (): void => request.fail(new AbortedError(signal?.reason));
      this.#waiting++;
      this.#queue.push(request);
      this.#dispatch();
      this.#grow();
      if (!request.waiting) return;
      timer = setTimeout(() => request.fail(new PoolAcquireTimeoutError(this.#settings.acquireTimeoutMs)), this.#settings.acquireTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sends queued commands, oldest first, while some connection has room. */
  #dispatch(): void {
    for (let request = this.#queue.peek(); request !== undefined; request = this.#queue.peek()) {
      if (request.waiting) {
        const connection = this.#leastBusy();
        if (connection === undefined) return;
        request.send(connection);
      }
      this.#queue.shift();
    }
  }

  /** The open connection with the fewest commands pending and room for one more (the oldest on a tie). */
  #leastBusy(): ControlConnection | undefined {
    let best: ControlConnection | undefined;
    for (const connection of this.#connections) {
      if (connection.closed || connection.pending >= this.#settings.maxPendingPerConnection) continue;
      if (best === undefined || connection.pending < best.pending) best = connection;
    }
    return best;
  }

  /**
   * Opens connections: up to `min`, and one more (up to `max`) when commands
   * wait for room or every connection has been stuck for `growAfterMs`. The
   * very first connection opens alone, since it may start the server.
   */
  #grow(): void {
    if (this.#stopped) return;
    const size = this.#connections.length + this.#opening;
    if (this.#created === 0) {
      if (this.#opening === 0) this.#openInBackground();
    } else if (size < this.#settings.min) {
      for (let i = size; i < this.#settings.min; i++) this.#openInBackground();
    } else if (size < this.#settings.max && this.#opening === 0) {
      if (this.#waiting > 0 || this.#stuck()) this.#openInBackground();
      else this.#watchForStall();
    }
  }

  /** `true` when every open connection has had a command unanswered for `growAfterMs`. */
  #stuck(): boolean {
    const since = performance.now() - this.#settings.growAfterMs;
    return this.#connections.every((connection) => (connection.pendingSince ?? Number.POSITIVE_INFINITY) <= since);
  }

  /** While every connection is busy, looks again `growAfterMs` later. */
  #watchForStall(): void {
    if (this.#stallTimer !== undefined || !this.#connections.every((connection) => connection.pending > 0)) return;
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      this.#grow();
    }, this.#settings.growAfterMs);
    this.#stallTimer.unref();
  }

  #openInBackground(): void {
    // A failure is handled (reported, waiting commands rejected) by #open itself.
    this.#open().catch(() => undefined);
  }

  #open(): Promise<ControlConnection> {
    this.#opening++;
    const opened = ControlConnection.open({ ...this.#connectionOptions, startServer: this.#startServer && this.#created === 0 });
    const settled = opened
      .then(
        (connection) => this.#adopt(connection),
        (error: unknown) => this.#openFailed(asOrchestratorError(error)),
      )
      .finally(() => this.#openings.delete(settled));
    this.#openings.add(settled);
    return opened;
  }

  async #adopt(connection: ControlConnection): Promise<void> {
    this.#opening--;
    if (this.#stopped) {
      await connection.close();
      return;
    }
    this.#created++;
    this.#connections.push(connection);
    connection.on('notification', (notification) => {
      if (this.#connections[0] === connection && notification.kind !== 'exit') this.emit('notification', notification);
    });
    connection.once('close', (event) => this.#remove(connection, event.reason, event.expected));
    this.emit('connection:open', connection);
    this.#dispatch();
    if (this.#waiting > 0) this.#grow();
  }

  #openFailed(error: OrchestratorError): void {
    this.#opening--;
    this.emit('connection:error', error);
    if (this.#connections.length > 0 || this.#opening > 0) return;
    for (let request = this.#queue.shift(); request !== undefined; request = this.#queue.shift()) request.fail(error);
  }

  /** Takes a connection out of rotation; a lost one is replaced if fewer than `min` remain. */
  #remove(connection: ControlConnection, reason: string, expected: boolean): void {
    const index = this.#connections.indexOf(connection);
    if (index === -1) return;
    this.#connections.splice(index, 1);
    if (!expected) this.#replaced++;
    this.emit('connection:closed', { connection, reason, expected });
    this.#grow();
  }

  #ping(): void {
    for (const connection of this.#connections) {
      if (connection.pending > 0) continue;
      connection.run(PING).catch((error: unknown) => {
        if (this.#stopped || !this.#connections.includes(connection)) return;
        this.#remove(connection, `health ping failed: ${error instanceof Error ? error.message : String(error)}`, false);
        void connection.close();
      });
    }
    if (this.#created > 0) this.#grow();
  }
}

function asOrchestratorError(error: unknown): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionClosedError(`the connection could not be opened: ${message}`, error);
}
