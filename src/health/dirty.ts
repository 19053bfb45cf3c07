/**
 * Dirty tracking for event-driven monitoring: which panes wrote output since
 * their last capture, and which panes' output the monitor's control client
 * has paused, so a busy pane costs one notification per cycle.
 *
 * @module
 */

/** Where a pane's output stands for the monitor's control client. */
type OutputState = 'on' | 'pause-queued' | 'paused';

interface PaneOutput {
  dirty: boolean;
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
 * - before capturing: {@link DirtyTracker.beginCapture} clears the panes'
 *   dirty marks, cancels their queued pauses and returns the paused ones,
 *   which must be resumed (`continue`) before the capture, on the same
 *   connection, so that anything printed after the capture reaches the
 *   client as `%output`.
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

  /** Records output of a pane at `at` (ms since the epoch). */
  output(paneId: string, at: number): void {
    const pane = this.#pane(paneId);
    pane.dirty = true;
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
    if (pane.holds > 0) return false;
    pane.state = 'on';
    return true;
  }

  /** `true` when the pane wrote output (or was marked) since its last {@link DirtyTracker.beginCapture}, or was not captured since the last reset. */
  isDirty(paneId: string): boolean {
    const pane = this.#panes.get(paneId);
    return pane === undefined ? this.#epoch > 0 : pane.dirty || pane.capturedIn < this.#epoch;
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

  /**
   * The panes are about to be captured: clears their dirty marks and returns
   * those whose output must be resumed first. Held panes stay paused and dirty.
   */
  beginCapture(paneIds: readonly string[]): string[] {
    const resume: string[] = [];
    for (const paneId of paneIds) {
      const pane = this.#pane(paneId);
      pane.capturedIn = this.#epoch;
      if (pane.holds > 0) continue;
      pane.dirty = false;
      if (pane.state === 'paused') resume.push(paneId);
      pane.state = 'on';
    }
    return resume;
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
      pane = { dirty: false, holds: 0, state: 'on', lastOutputAt: undefined, capturedIn: this.#epoch };
      this.#panes.set(paneId, pane);
    }
    return pane;
  }
}
