/**
 * The monitor strategy contract: how a health checker learns, per server,
 * which panes changed since their last capture.
 *
 * @module
 */
import type { TmuxClient } from '../tmux/client.js';
import type { CommandRunner } from '../tmux/runner.js';
import type { PaneFacts } from './pane-facts.js';
import type { TmuxServerOptions } from '../tmux/server.js';

/** One agent pane, as the checker knows it at the start of a cycle. */
export interface MonitoredPane {
  /** The pane, `%N`. */
  readonly paneId: string;
  /** Its window, `@N`, as the previous cycle listed it; `undefined` for a pane not listed yet. */
  readonly windowId: string | undefined;
  /**
   * `true` when the previous cycle listed the pane only in the library's
   * hidden sessions: the session it ran in was killed, and only the
   * monitor's own link keeps its window alive.
   */
  readonly orphaned: boolean;
}

/** What a monitor strategy gets to work with, for one server. */
export interface MonitorContext {
  /** The server. */
  readonly server: TmuxServerOptions;
  /** A client of the server (the orchestrator's command pool). */
  readonly client: TmuxClient;
  /** Drops the pane's cached screen: call it when the pane wrote output, or when it may write output the strategy will not hear of. */
  screenChanged(paneId: string): void;
  /** How long a command of the strategy may take, in milliseconds (the checker's `observeTimeoutMs`). */
  readonly timeoutMs: number;
}

/**
 * What a strategy's `sync` may ask the checker to read on the strategy's own
 * connection, so that one write carries the strategy's commands and the
 * reads, and one round trip answers them all.
 *
 * @example
 * async sync(panes, reads) {
 *   void connection.run(['refresh-client', '-A', `${paneId}:continue`]);
 *   reads.capture([paneId], connection); // runs after the resume, in the same write
 *   return facts;
 * }
 */
export interface SyncReads {
  /**
   * Starts, now, on `runner`, the capture of each of `paneIds` (with a read
   * of its foreground process, except for `options.busy`), and the process
   * reads the checker has due this cycle. Commands sent on `runner` before
   * this call run before the captures. The checker captures these panes no
   * more in this cycle, and does not call
   * {@link MonitorStrategy.beforeCapture} for them: the strategy has made
   * them ready. Call it at most once per `sync`.
   */
  capture(paneIds: readonly string[], runner: CommandRunner, options?: SyncCaptureOptions): void;
}

/** Options of {@link SyncReads.capture}. */
export interface SyncCaptureOptions {
  /**
   * Panes among those captured that print at every cycle. Their foreground
   * process is read as the checker reads quiet panes' (at least once every
   * 16 cycles, and every cycle while a shell is in front), not with each
   * capture: a program that keeps drawing rarely changes, and one that exits
   * or finishes stops drawing, after which the strategy no longer names it.
   * @default none
   */
  readonly busy?: readonly string[];
}

/**
 * Tells a health checker, for one server, which panes need a fresh capture.
 * The checker calls, per cycle: `sync` (and lists the server's panes, unless
 * `sync` gave the facts of them all), then `needsCapture` for each pane,
 * `beforeCapture` with the panes it will
 * capture (once more, with few or none, for panes the listing showed had
 * moved window or changed process), `captured` for each capture, and
 * `lastOutputAt` for each pane.
 * Strategies must not throw out of a cycle for a lost connection: they fall
 * back to "everything needs a capture" instead.
 */
export interface MonitorStrategy {
  /**
   * How long a captured screen may be served from the cache, in
   * milliseconds; each entry gets 75 to 125% of it, so entries captured
   * together do not all expire in the same cycle.
   * @default the cache layer's TTL (`pane_content`: 10 s)
   */
  readonly screenTtlMs?: number;
  /**
   * Brings the strategy up to date with the server's agent panes at the start
   * of a cycle. Once it resolves, {@link MonitorStrategy.needsCapture}
   * accounts for all output tmux had read before it was called. Resolves to
   * the facts of the panes it watches when it listed them itself (the
   * checker then lists the server only for panes left out), or `undefined`.
   *
   * A strategy with a connection of its own may have the panes it already
   * knows changed read there, in the same round trip: see {@link SyncReads}.
   */
  sync(panes: readonly MonitoredPane[], reads: SyncReads): Promise<ReadonlyMap<string, PaneFacts> | undefined>;
  /** `true` when the pane may have changed since its last capture. */
  needsCapture(paneId: string): boolean;
  /** Runs before each batch of captures, which start only once it resolves. */
  beforeCapture(paneIds: readonly string[]): Promise<void>;
  /** A capture of the pane finished at `at` (ms since the epoch); `changed` when it differs from the one before. */
  captured(paneId: string, changed: boolean, at: number): void;
  /** When the pane last wrote output, ms since the epoch, when known. */
  lastOutputAt(paneId: string): number | undefined;
  /**
   * Stops the strategy's control client (if it has one) from receiving the
   * pane's output until the returned function is called, so the pane's
   * process can be restarted (`respawn-pane`) safely: tmux 3.3a can crash
   * when a pane is respawned while a control client has its output still
   * queued. The pane counts as changed until its first capture after that.
   */
  pauseOutput(paneId: string): Promise<() => void>;
  /** Releases what the strategy holds on the server (connections, hidden sessions). */
  close(): Promise<void>;
}

/** Makes a monitor strategy for one server. */
export type MonitorFactory = (context: MonitorContext) => MonitorStrategy;
