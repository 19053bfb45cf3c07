/**
 * Dirty tracking for event-driven monitoring: which panes wrote output since
 * their last capture, and which panes' output the monitor's control client
 * has paused, so a printing pane costs at most one notification per cycle,
 * and none while it prints at every cycle (busy).
 *
 * @module
 */

/** Where a pane's output stands for the monitor's control client. */
type OutputState = 'on' | 'pause-queued' | 'paused';

interface PaneOutput {
  dirty: boolean;
  /** It wrote output (a `%output`) since its last capture. */
  printed: boolean;
  /**
   * Busy: it printed between its captures at two syncs in a row. Its output
   * stays paused and it is captured at every sync, until a capture finds its
   * screen unchanged.
   */
  busy: boolean;
  /** The sync of its last capture, if any. */
  capturedAtSync: number | undefined;
  /** Holds (see {@link DirtyTracker.hold}) not released yet: the pane stays paused. */
  holds: number;
  state: OutputState;
  lastOutputAt: number | undefined;
  /** The connection epoch of the pane's last capture. */
  capturedIn: number;
}

/**
 * The bookkeeping, without I/O: the caller sends the `refresh-client -A`
 * commands it asks for, in order, on the connection that receives the
 * `%output`.
 *
 * - `%output` for a pane: {@link DirtyTracker.output} marks it dirty and
 *   queues a pause (tmux then skips its output for this client);
 * - {@link DirtyTracker.takePauses}: the panes to pause now;
 * - at each sync: {@link DirtyTracker.beginSync}, then the captures;
 * - before capturing: {@link DirtyTracker.beginCapture} clears the panes'
 *   dirty marks, cancels their queued pauses and returns the paused ones,
 *   which must be resumed (`continue`) before the capture, on the same
 *   connection, so that anything printed after the capture reaches the
 *   client as `%output`;
 * - after a capture: {@link DirtyTracker.captured}.
 *
 * A pane that printed again between its captures at two syncs in a row is
 * busy: it is not resumed, and stays dirty, so it is captured at every sync
 * without a notification or a pause per cycle, until a capture finds its
 * screen unchanged. Its last output is then when a capture last saw its
 * screen change.
 *
 * @internal
 * @example
 * const dirty = new DirtyTracker();
 * dirty.output('%1', Date.now()); // from a %output notification
 * const pause = dirty.takePauses(); // ['%1']: send refresh-client -A '%1:pause'
 * const resume = dirty.beginCapture(['%1']); // ['%1']: send -A '%1:continue', then the capture
 */
export class DirtyTracker {
  readonly #panes = new Map<string, PaneOutput>();
  #queued: string[] = [];
  /** Bumped by every reset: a pane not captured since is dirty, known or not. */
  #epoch = 0;
  /** Syncs begun. */
  #syncs = 0;

  /** Records output of a pane at `at` (ms since the epoch). */
  output(paneId: string, at: number): void {
    const pane = this.#pane(paneId);
    pane.dirty = true;
    pane.printed = true;
    pane.lastOutputAt = at;
    if (pane.state === 'on') {
      pane.state = 'pause-queued';
      this.#queued.push(paneId);
    }
  }

  /**
   * A pane is watched again (its window was just linked, or it rejoined the
   * fleet): what it printed meanwhile was not seen, and the client may still
   * hold it paused from before. Marks it dirty and on; `true` when its output
   * must be resumed now (`continue`), that is unless it is held.
   */
  rewatch(paneId: string): boolean {
    const pane = this.#pane(paneId);
    pane.dirty = true;
    pane.busy = false;
    if (pane.holds > 0) return false;
    pane.state = 'on';
    return true;
  }

  /**
   * `true` when the pane wrote output (or was marked) since its last
   * {@link DirtyTracker.beginCapture}, is busy, or was not captured since the
   * last reset.
   */
  isDirty(paneId: string): boolean {
    const pane = this.#panes.get(paneId);
    return pane === undefined ? this.#epoch > 0 : pane.dirty || pane.busy || pane.capturedIn < this.#epoch;
  }

  /** `true` while the pane is busy: kept paused, and captured at every sync. */
  isBusy(paneId: string): boolean {
    return this.#panes.get(paneId)?.busy === true;
  }

  /** When the pane last wrote output, when known. */
  lastOutputAt(paneId: string): number | undefined {
    return this.#panes.get(paneId)?.lastOutputAt;
  }

  /** The panes whose output to pause now (each once); they count as paused from here on. */
  takePauses(): string[] {
    const pauses: string[] = [];
    for (const paneId of this.#queued) {
      const pane = this.#panes.get(paneId);
      if (pane?.state !== 'pause-queued') continue;
      pane.state = 'paused';
      pauses.push(paneId);
    }
    this.#queued = [];
    return pauses;
  }

  /**
   * Keeps a pane paused, and dirty, until {@link DirtyTracker.release}
   * (around a restart of its process); `true` when a pause must be sent now.
   */
  hold(paneId: string): boolean {
    const pane = this.#pane(paneId);
    pane.dirty = true;
    pane.holds++;
    if (pane.state === 'paused') return false;
    pane.state = 'paused';
    return true;
  }

  /** Ends one {@link DirtyTracker.hold}; the pane is resumed at its next capture. */
  release(paneId: string): void {
    const pane = this.#panes.get(paneId);
    if (pane !== undefined && pane.holds > 0) pane.holds--;
  }

  /** A sync begins: captures from here on count as of this sync. */
  beginSync(): void {
    this.#syncs++;
  }

  /**
   * The panes are about to be captured: clears their dirty marks and returns
   * those whose output must be resumed first. Held panes stay paused and
   * dirty. A pane that printed since its capture at the previous sync becomes
   * busy, and busy panes are not resumed: their pauses stand.
   */
  beginCapture(paneIds: readonly string[]): string[] {
    const resume: string[] = [];
    for (const paneId of paneIds) {
      const pane = this.#pane(paneId);
      pane.capturedIn = this.#epoch;
      if (pane.printed && pane.capturedAtSync === this.#syncs - 1) pane.busy = true;
      pane.capturedAtSync = this.#syncs;
      if (pane.holds > 0) continue;
      pane.dirty = false;
      pane.printed = false;
      if (pane.busy) continue;
      if (pane.state === 'paused') resume.push(paneId);
      pane.state = 'on';
    }
    return resume;
  }

  /**
   * A capture of the pane finished at `at`. A busy pane whose screen
   * `changed` printed since its capture before (its last output is now
   * `at`); one whose screen did not is busy no more, and dirty: resumed and
   * captured at the next sync.
   */
  captured(paneId: string, changed: boolean, at: number): void {
    const pane = this.#panes.get(paneId);
    if (pane?.busy !== true) return;
    if (changed) {
      pane.lastOutputAt = Math.max(pane.lastOutputAt ?? at, at);
      return;
    }
    pane.busy = false;
    pane.dirty = true;
  }

  /**
   * The connection was replaced: tmux forgot every pause, and output may
   * have been missed, so every pane (known or not) is dirty until captured,
   * and every pane's output is on, except held panes, whose pause is queued again.
   */
  reset(): void {
    this.#epoch++;
    this.#queued = [];
    for (const [paneId, pane] of this.#panes) {
      pane.busy = false;
      pane.state = pane.holds > 0 ? 'pause-queued' : 'on';
      if (pane.holds > 0) this.#queued.push(paneId);
    }
  }

  /** Forgets panes that are no longer monitored. */
  forget(paneIds: Iterable<string>): void {
    for (const paneId of paneIds) if (this.#panes.get(paneId)?.holds === 0) this.#panes.delete(paneId);
  }

  /** The panes tracked. */
  panes(): IterableIterator<string> {
    return this.#panes.keys();
  }

  #pane(paneId: string): PaneOutput {
    let pane = this.#panes.get(paneId);
    if (pane === undefined) {
      pane = { dirty: false, printed: false, busy: false, capturedAtSync: undefined, holds: 0, state: 'on', lastOutputAt: undefined, capturedIn: this.#epoch };
      this.#panes.set(paneId, pane);
    }
    return pane;
  }
}
