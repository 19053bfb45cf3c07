/**
 * The `events` monitor: one hidden control client per server, into whose
 * session every agent window is linked, tells which panes wrote output.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { TmuxCommandError } from '../../errors.js';
import { ControlConnection } from '../../tmux/connection.js';
import { defineRow, text } from '../../tmux/formats.js';
import type { Notification } from '../../tmux/notifications.js';
import { DirtyTracker } from '../dirty.js';
import { LayoutTracker } from './layout-tracker.js';
import type { MonitorContext, MonitorFactory, MonitoredPane, MonitorStrategy, SyncReads } from '../monitor.js';
import { listPaneFacts, type PaneFacts } from '../pane-facts.js';

/**
 * Hidden monitor sessions are named this, then random hex.
 *
 * @example
 * const sessions = await client.listSessions({ includeControl: true });
 * const monitors = sessions.filter((session) => session.name.startsWith(MONITOR_SESSION_PREFIX)); // one per watched server
 */
export const MONITOR_SESSION_PREFIX = '__tmo-monitor-';

const PANE_WINDOW_ROW = defineRow({ paneId: text('#{pane_id}'), windowId: text('#{window_id}') });

/**
 * How long the pause of a pane that printed waits for others, in
 * milliseconds. Panes resumed at a `sync` print again over the next frames
 * of their programs; sending each pause as it comes would make dozens of
 * commands per cycle, and a command costs tmux a loop over all its panes.
 * Meanwhile a busy pane may print once more (a notification the client
 * reads and ignores).
 */
const PAUSE_BATCH_MS = 25;

/** `refresh-client -A` for several panes at once (tmux 3.3a applies every `-A`). */
function refreshPanes(paneIds: readonly string[], what: 'pause' | 'continue'): string[] {
  return ['refresh-client', ...paneIds.flatMap((paneId) => ['-A', `${paneId}:${what}`])];
}

/**
 * Watches a server through a control client of its own, attached to a
 * hidden session (`__tmo-monitor-<random>`) into which every agent window is
 * linked (`link-window -d`: window sizes do not change, and listings leave
 * hidden sessions out). tmux sends that client `%output` for those windows
 * only; the orchestrator's command connections sit in another session and
 * receive none.
 *
 * A pane's first `%output` marks it dirty, drops its cached screen and pauses
 * its output for this client (`refresh-client -A '%P:pause'`), so a printing
 * pane costs about one notification per cycle. A pause waits up to 25 ms to go
 * out in one command with those of other panes that print meanwhile (or
 * with the next `sync`): every command costs tmux a pass over all its panes.
 * At `sync`, the panes known dirty are resumed (`continue`) and captured on
 * this client, in the one write and round trip of the `sync`, so anything
 * printed after the capture is reported. A pane that printed again since its
 * capture at the previous `sync` is busy: it stays paused and is captured at
 * every `sync` (no notification, pause or resume per cycle) until a capture
 * finds its screen unchanged; its screen is not kept in the cache, and its
 * foreground process is not read with each capture. Pausing rather than
 * `off`: on tmux 3.3a, `off` while the pane's output is queued for the
 * client crashes the server, and on later versions panes that every client
 * turned off stop being read.
 *
 * Each `sync` ends with a round trip on this client, so every `%output` tmux
 * sent before the cycle began has been handled. If the client dies (server
 * restarted…), every pane counts as dirty and the client is reopened at the
 * next `sync`.
 *
 * @example
 * const checker = new HealthChecker({ mode: 'events', agents: () => fleet, registry });
 */
export const eventsMonitor: MonitorFactory = (context) => new EventsMonitor(context);

class EventsMonitor implements MonitorStrategy {
  /** A screen stays current until its pane prints; the TTL is only a safety net. */
  readonly screenTtlMs = 600_000;
  readonly #context: MonitorContext;
  readonly #dirty = new DirtyTracker();
  readonly #layout = new LayoutTracker();
  /** Windows linked into the current session. */
  readonly #linked = new Set<string>();
  /** Panes whose window is linked, and that window. */
  #watched = new Map<string, string>();
  /** The panes of the last sync, when every one of them was watched (or orphaned) after it. */
  #steady: readonly MonitoredPane[] | undefined;
  #connection: ControlConnection | undefined;
  #session = '';
  /** Sends the pauses queued since the first of them, {@link PAUSE_BATCH_MS} after it. */
  #pauseTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(context: MonitorContext) {
    this.#context = context;
  }

  async sync(panes: readonly MonitoredPane[], reads: SyncReads): Promise<ReadonlyMap<string, PaneFacts> | undefined> {
    const connection = await this.#connect();
    if (connection === undefined) return undefined;
    this.#dirty.beginSync();
    const commands: Promise<unknown>[] = [];
    // The same panes in the same windows as at the last sync, all watched: nothing to link or unlink.
    const wanted = this.#steady !== undefined && sameLayout(this.#steady, panes) ? undefined : await this.#link(connection, panes, commands);
    // The dirty panes are captured here, on this connection: their output resumed, then the captures
    // and the listing, in one write and one round trip.
    const dirty = panes.filter((pane) => !pane.orphaned && this.#dirty.isDirty(pane.paneId)).map((pane) => pane.paneId);
    const resume = this.#dirty.beginCapture(dirty);
    if (resume.length > 0) commands.push(connection.run(refreshPanes(resume, 'continue')));
    // With none dirty, still the process reads due; busy panes' processes are read as quiet panes' are.
    reads.capture(dirty, connection, { busy: dirty.filter((paneId) => this.#dirty.isBusy(paneId)) });
    const pauses = this.#dirty.takePauses();
    if (pauses.length > 0) commands.push(connection.run(refreshPanes(pauses, 'pause')));
    // The round trip: its reply comes after every %output tmux queued before it,
    // and it lists the panes of exactly the linked windows, each once (or the dead ones).
    const full = this.#layout.needsFullListing(panes);
    const listing = this.#list(connection, !full);
    commands.push(listing);
    await this.#settle(connection, commands);
    let facts = await listing.catch(() => undefined);
    if (facts !== undefined && !full) {
      if (this.#layout.changed) facts = await this.#list(connection, false).catch(() => undefined);
      else facts = this.#layout.applyDead(facts);
    }
    if (this.#connection !== connection) return undefined;
    if (wanted !== undefined) this.#watch(panes, wanted);
    return facts;
  }

  /**
   * Links the windows of `panes` into the monitor's session and unlinks the
   * others (the commands go into `commands`); resumes the output of panes
   * watched anew. Returns the panes wanted, by window.
   */
  async #link(connection: ControlConnection, panes: readonly MonitoredPane[], commands: Promise<unknown>[]): Promise<Map<string, string[]>> {
    const windows = await this.#windowsOf(connection, panes);
    const wanted = new Map<string, string[]>();
    for (const pane of panes) {
      const windowId = windows.get(pane.paneId);
      if (windowId === undefined || pane.orphaned) continue;
      const paneIds = wanted.get(windowId);
      if (paneIds === undefined) wanted.set(windowId, [pane.paneId]);
      else paneIds.push(pane.paneId);
    }
    const session = `=${this.#session}`;
    for (const windowId of this.#linked) {
      if (wanted.has(windowId)) continue;
      this.#linked.delete(windowId);
      // `-k`: a window only this session still holds (its own session was killed) goes, as it would have without the link.
      commands.push(connection.run(['unlink-window', '-k', '-t', `${session}:${windowId}`]));
    }
    const rewatched: string[] = [];
    for (const [windowId, paneIds] of wanted) {
      // Watched anew, or through another window: what it printed meanwhile was not seen.
      for (const paneId of paneIds) if (this.#watched.get(paneId) !== windowId && this.#dirty.rewatch(paneId)) rewatched.push(paneId);
      if (this.#linked.has(windowId)) continue;
      commands.push(connection.run(['link-window', '-d', '-s', windowId, '-t', `${session}:`]).then(() => void this.#linked.add(windowId)));
    }
    // Panes watched anew may still be paused for this client from an earlier time.
    if (rewatched.length > 0) commands.push(connection.run(refreshPanes(rewatched, 'continue')));
    return wanted;
  }

  /** Watches the wanted panes whose window is now linked; the layout is steady when every one is. */
  #watch(panes: readonly MonitoredPane[], wanted: ReadonlyMap<string, readonly string[]>): void {
    const watched = new Map<string, string>();
    let all = true;
    for (const [windowId, paneIds] of wanted) {
      if (this.#linked.has(windowId)) for (const paneId of paneIds) watched.set(paneId, windowId);
      else all = false;
    }
    this.#watched = watched;
    this.#dirty.forget([...this.#dirty.panes()].filter((paneId) => !watched.has(paneId)));
    this.#steady = all && panes.every((pane) => pane.windowId !== undefined) ? panes.map((pane) => ({ ...pane })) : undefined;
  }

  /** Lists the monitor session's panes (or its dead panes only), without their processes; a full listing becomes the layout's base. */
  async #list(connection: ControlConnection, deadOnly: boolean): Promise<ReadonlyMap<string, PaneFacts>> {
    this.#layout.beginListing();
    const listed = await listPaneFacts(connection, { session: this.#session, commands: false, deadOnly });
    return deadOnly ? listed : this.#layout.applyFull(listed);
  }

  needsCapture(paneId: string): boolean {
    return this.#connection === undefined || !this.#watched.has(paneId) || this.#dirty.isDirty(paneId);
  }

  async beforeCapture(paneIds: readonly string[]): Promise<void> {
    // Panes captured at `sync` do not come here; these are new, or captured for other reasons.
    const resume = this.#dirty.beginCapture(paneIds);
    const connection = this.#connection;
    if (resume.length === 0 || connection === undefined) return;
    await this.#settle(connection, [connection.run(refreshPanes(resume, 'continue'))]);
  }

  captured(paneId: string, changed: boolean, at: number): void {
    this.#dirty.captured(paneId, changed, at);
    // Still paused (busy, or held): what it prints next is not reported, so its screen is not kept.
    if (this.#dirty.isDirty(paneId)) this.#context.screenChanged(paneId);
  }

  lastOutputAt(paneId: string): number | undefined {
    return this.#dirty.lastOutputAt(paneId);
  }

  async pauseOutput(paneId: string): Promise<() => void> {
    const connection = this.#connection;
    if (this.#dirty.hold(paneId) && connection !== undefined) await this.#settle(connection, [connection.run(refreshPanes([paneId], 'pause'))]);
    return () => this.#dirty.release(paneId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#lost(connection);
    // The session's `client-detached` hook kills it once this, its only client, is gone.
    await connection.close();
  }

  async #connect(): Promise<ControlConnection | undefined> {
    if (this.#connection !== undefined || this.#closed) return this.#connection;
    const session = `${MONITOR_SESSION_PREFIX}${randomBytes(6).toString('hex')}`;
    const { timeoutMs } = this.#context;
    let connection: ControlConnection;
    try {
      connection = await ControlConnection.open({
        ...this.#context.server,
        session,
        connectTimeoutMs: timeoutMs,
        commandTimeoutMs: timeoutMs,
      });
    } catch {
      return undefined; // the server is down, or refuses: every pane is captured; try again next cycle
    }
    if (this.#closed) {
      await connection.close();
      return undefined;
    }
    connection.on('notification', (notification) => this.#onNotification(notification));
    connection.on('close', () => this.#lost(connection));
    this.#connection = connection;
    this.#session = session;
    return connection;
  }

  /** The window of each pane: as the checker last listed it, or looked up for panes it has not listed yet. */
  async #windowsOf(connection: ControlConnection, panes: readonly MonitoredPane[]): Promise<Map<string, string>> {
    const windows = new Map<string, string>();
    for (const pane of panes) if (pane.windowId !== undefined) windows.set(pane.paneId, pane.windowId);
    if (windows.size === panes.length) return windows;
    try {
      const rows = PANE_WINDOW_ROW.parse(await connection.run(['list-panes', '-a', '-F', PANE_WINDOW_ROW.template], { readOnly: true }));
      for (const row of rows) if (!windows.has(row.paneId)) windows.set(row.paneId, row.windowId);
    } catch {
      // Left unwatched this cycle: they are captured anyway.
    }
    return windows;
  }

  #onNotification(notification: Notification): void {
    if (notification.kind !== 'output') {
      this.#layout.notify(notification);
      return;
    }
    this.#dirty.output(notification.paneId, Date.now());
    this.#context.screenChanged(notification.paneId);
    if (this.#pauseTimer !== undefined) return;
    this.#pauseTimer = setTimeout(() => this.#sendPauses(), PAUSE_BATCH_MS);
    this.#pauseTimer.unref();
  }

  /** One refresh-client for every pane whose pause is still queued (a `sync` may have sent them already). */
  #sendPauses(): void {
    this.#pauseTimer = undefined;
    const connection = this.#connection;
    const pauses = this.#dirty.takePauses();
    if (connection !== undefined && pauses.length > 0) void this.#settle(connection, [connection.run(refreshPanes(pauses, 'pause'))]);
  }

  /**
   * Waits for commands; a failure other than tmux refusing one command
   * (a window that just closed) means the client can no longer be trusted
   * to report output, so it is dropped and every pane becomes dirty.
   */
  async #settle(connection: ControlConnection, commands: readonly Promise<unknown>[]): Promise<void> {
    const results = await Promise.allSettled(commands);
    if (results.some((result) => result.status === 'rejected' && !(result.reason instanceof TmuxCommandError))) {
      this.#lost(connection);
      void connection.close();
    }
  }

  #lost(connection: ControlConnection): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    clearTimeout(this.#pauseTimer);
    this.#pauseTimer = undefined;
    this.#linked.clear();
    this.#watched = new Map();
    this.#steady = undefined;
    this.#dirty.reset();
    this.#layout.reset();
  }
}

/** `true` when both lists hold the same panes, in the same order, in the same windows, orphaned alike. */
function sameLayout(before: readonly MonitoredPane[], now: readonly MonitoredPane[]): boolean {
  if (before.length !== now.length) return false;
  return before.every((pane, i) => {
    const current = now[i] as MonitoredPane;
    return pane.paneId === current.paneId && pane.windowId === current.windowId && pane.orphaned === current.orphaned;
  });
}
