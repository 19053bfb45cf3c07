/**
 * The pane facts an events monitor keeps between cycles, so that a cycle in
 * which no window changed lists only the dead panes.
 *
 * @module
 */
import type { Notification } from '../../tmux/notifications.js';
import type { MonitoredPane } from '../monitor.js';
import type { PaneFacts } from '../pane-facts.js';

/**
 * Notifications after which the monitor lists every pane again: windows
 * linked, unlinked or closed, panes split, closed or moved (a layout
 * change), sessions created or killed (a window left only in the hidden
 * session is orphaned).
 */
const LAYOUT_CHANGES: ReadonlySet<Notification['kind']> = new Set([
  'window-add',
  'window-close',
  'unlinked-window-add',
  'unlinked-window-close',
  'layout-change',
  'window-pane-changed',
  'sessions-changed',
]);

/**
 * Bookkeeping without I/O. A full listing (every pane of the monitor
 * session) is the base; while no notification says a window, pane or
 * session changed, a cycle lists only the dead panes (`-f '#{pane_dead}'`,
 * a third of a full listing's cost in tmux), and every pane not listed is
 * alive with the facts of the base.
 *
 * The monitor's control client receives these notifications for every
 * window linked into its session before the reply to any command sent
 * after the change, so a listing's reply accounts for every change made
 * before it ran: after a dead-panes listing, {@link LayoutTracker.changed}
 * says whether a change arrived meanwhile and a full listing is needed now.
 *
 * @internal
 * @example
 * const layout = new LayoutTracker();
 * const full = layout.needsFullListing(panes); // true: nothing listed yet
 * layout.beginListing();
 * const facts = layout.applyFull(await listPaneFacts(connection, { session }));
 */
export class LayoutTracker {
  #base: Map<string, PaneFacts> | undefined;
  /** Panes listed dead by the latest listing. */
  #dead = new Set<string>();
  #changed = true;

  /** Records a notification from the monitor's client. */
  notify(notification: Notification): void {
    if (LAYOUT_CHANGES.has(notification.kind)) this.#changed = true;
  }

  /** `true` when a notification since the last {@link LayoutTracker.beginListing} said the layout changed. */
  get changed(): boolean {
    return this.#changed;
  }

  /** `true` when this cycle must list every pane: the layout changed, or a pane was never listed. */
  needsFullListing(panes: readonly MonitoredPane[]): boolean {
    return this.#changed || this.#base === undefined || panes.some((pane) => pane.windowId === undefined);
  }

  /** A listing is about to be sent: changes notified from now on are after it began. */
  beginListing(): void {
    this.#changed = false;
  }

  /** Takes a full listing as the new base; returns it. */
  applyFull(listed: Map<string, PaneFacts>): ReadonlyMap<string, PaneFacts> {
    this.#base = listed;
    this.#dead = new Set([...listed.values()].filter((pane) => pane.dead).map((pane) => pane.paneId));
    return listed;
  }

  /**
   * Applies a listing of the dead panes to the base; returns the facts of
   * every pane. A pane listed dead before and not now was respawned.
   */
  applyDead(listed: ReadonlyMap<string, PaneFacts>): ReadonlyMap<string, PaneFacts> {
    const base = this.#base;
    if (base === undefined) return listed; // not reached: with no base, the cycle lists every pane
    for (const paneId of this.#dead) {
      const pane = base.get(paneId);
      if (pane !== undefined && !listed.has(paneId)) base.set(paneId, { ...pane, dead: false, deadStatus: undefined });
    }
    for (const [paneId, pane] of listed) if (base.has(paneId)) base.set(paneId, pane);
    this.#dead = new Set(listed.keys());
    return base;
  }

  /** Forgets everything: the next cycle lists every pane. */
  reset(): void {
    this.#base = undefined;
    this.#dead.clear();
    this.#changed = true;
  }
}
