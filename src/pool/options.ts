/**
 * Options, settings, events and stats of `ConnectionPool`.
 *
 * @module
 */
import type { OrchestratorError } from '../errors.js';
import { InvalidOptionError } from '../errors.js';
import type { ConnectionCloseEvent, ControlConnection, ControlConnectionOptions } from '../tmux/connection.js';
import type { Notification } from '../tmux/notifications.js';
import { serverArgs } from '../tmux/server.js';
import { integerAtLeast, positiveNumber } from '../util/options.js';

/** Options of {@link ConnectionPool}. Connection options (timeouts, socket) apply to every connection. */
export interface ConnectionPoolOptions extends ControlConnectionOptions {
  /**
   * Start the server when none is running, for the pool's first connection
   * only. Once connected, the pool never starts a server again: after the
   * server dies, commands fail with `ServerNotRunningError` rather than run
   * on a new, empty server.
   * @default false
   */
  readonly startServer?: boolean;
  /**
   * Connections kept open. {@link ConnectionPool.open} opens them up front;
   * a pool made with `new` opens them as commands arrive. A connection that
   * dies is replaced while fewer than `min` are open.
   * @default 1
   */
  readonly min?: number;
  /**
   * Connections open at most.
   * @default 4, or `min` when that is larger
   */
  readonly max?: number;
  /**
   * How long a command may wait for a connection with room (every connection
   * at `maxPendingPerConnection` and the pool at `max`) before it rejects
   * with `PoolAcquireTimeoutError`, in milliseconds. The command's own
   * `timeoutMs` starts once it is sent.
   * @default 5000
   */
  readonly acquireTimeoutMs?: number;
  /**
   * Every this many milliseconds, each idle connection runs a cheap
   * read-only command (`display-message -p ok`); a connection whose ping
   * fails or is not answered within `commandTimeoutMs` is closed and
   * replaced. Busy connections prove themselves by answering. `0` turns
   * health pings off.
   * @default 30000
   */
  readonly pingIntervalMs?: number;
  /**
   * Commands in flight on one connection at most. When every connection has
   * this many and the pool is at `max`, further commands wait (at most
   * `acquireTimeoutMs`) for one to be answered.
   * @default 1000
   */
  readonly maxPendingPerConnection?: number;
  /**
   * Another connection opens (up to `max`) when every open connection has
   * had a command unanswered for this many milliseconds: commands are stuck
   * behind a slow one (`wait-for`, `run-shell`…), which a new connection
   * gets around. A backlog tmux is simply working through opens none, since
   * tmux runs one command at a time however many connections send them. One
   * also opens at once when every connection is at `maxPendingPerConnection`.
   * @default 250
   */
  readonly growAfterMs?: number;
}

/** Why a connection left a {@link ConnectionPool}. */
export interface PoolConnectionClosedEvent {
  /** The connection, already closed or closing. */
  readonly connection: ControlConnection;
  /** Human-readable reason, e.g. `tmux client killed by SIGKILL` or `health ping failed: …`. */
  readonly reason: string;
  /** `true` when it was closed on purpose (the pool closing, or `close()` called on it); `false` when it died or failed its health ping. */
  readonly expected: boolean;
}

/** Events of a {@link ConnectionPool}. */
export interface ConnectionPoolEvents {
  /**
   * A tmux notification, from the primary connection only (the oldest open
   * one), so each arrives once however many connections are open. When the
   * primary dies the next oldest takes over; notifications the dead one had
   * not delivered are lost. A connection's own `exit` notification is not
   * forwarded: see `connection:closed`.
   */
  notification: (notification: Notification) => void;
  /** The pool closed (`close()` finished). Connections dying do not close the pool. */
  close: (event: ConnectionCloseEvent) => void;
  /** A connection opened and joined the pool (at start, on demand, or to replace one). */
  'connection:open': (connection: ControlConnection) => void;
  /** A connection left the pool; its unanswered commands rejected with `ConnectionClosedError`. */
  'connection:closed': (event: PoolConnectionClosedEvent) => void;
  /**
   * Opening a connection failed (server gone, tmux missing, connect timeout).
   * Commands waiting with no connection open reject with this error; the
   * pool tries again on the next command or health ping.
   */
  'connection:error': (error: OrchestratorError) => void;
}

/** A snapshot of a pool's load and history. */
export interface ConnectionPoolStats {
  /** Connections open. */
  readonly connections: number;
  /** Connections with at least one command in flight. */
  readonly inUse: number;
  /** Commands sent and not yet answered (health pings included), plus commands waiting for a connection. */
  readonly pending: number;
  /** Commands waiting for a connection with room (part of `pending`). */
  readonly waiting: number;
  /** `run()` calls accepted. */
  readonly commands: number;
  /** `run()` calls that rejected, for any reason (tmux errors included). */
  readonly errors: number;
  /** Read-only commands sent again after their connection died. */
  readonly retries: number;
  /** Connections opened over the pool's life. */
  readonly created: number;
  /** Connections that died or failed a health ping and were removed (new ones open as `min` and demand require). */
  readonly replaced: number;
  /** Median time from `run()` until the command was written to a connection, in ms, over recent commands; `NaN` before any. */
  readonly acquireP50Ms: number;
  /** 99th percentile of the same; `NaN` before any. */
  readonly acquireP99Ms: number;
}

/** The pool options with their defaults applied. @internal */
export interface PoolSettings {
  readonly min: number;
  readonly max: number;
  readonly acquireTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly maxPendingPerConnection: number;
  readonly growAfterMs: number;
}

/**
 * Validates the pool's own options and applies their defaults.
 *
 * @throws `InvalidOptionError` naming the first invalid option.
 * @internal
 */
export function resolvePoolSettings(options: ConnectionPoolOptions): PoolSettings {
  serverArgs(options); // validates the server options
  const min = integerAtLeast('min', options.min, 1, 1);
  const max = integerAtLeast('max', options.max, Math.max(4, min), 1);
  if (min > max) throw new InvalidOptionError(`Expected \`min\` to be <= \`max\`, got min \`${min}\` and max \`${max}\``);
  return {
    min,
    max,
    acquireTimeoutMs: positiveNumber('acquireTimeoutMs', options.acquireTimeoutMs, 5_000),
    pingIntervalMs: integerAtLeast('pingIntervalMs', options.pingIntervalMs, 30_000, 0),
    maxPendingPerConnection: integerAtLeast('maxPendingPerConnection', options.maxPendingPerConnection, 1000, 1),
    growAfterMs: positiveNumber('growAfterMs', options.growAfterMs, 250),
  };
}
