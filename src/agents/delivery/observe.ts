/**
 * One look at an agent's pane: its screen, what tmux says about its process,
 * and the detector's verdict.
 *
 * @module
 */
import { TmuxCommandError } from '../../errors.js';
import type { TmuxClient } from '../../tmux/client.js';
import type { Detector } from '../detectors/detector.js';
import type { Detection, ProcessFacts, Screen } from '../state.js';

/** What one look at an agent's pane found. */
export interface PaneObservation {
  /** The visible screen. */
  readonly screen: Screen;
  /** What tmux says about the pane's process. */
  readonly facts: ProcessFacts;
  /** The detector's verdict on `screen` and `facts`. */
  readonly detection: Detection;
  /** The pane is in a mode (copy mode…), where keys go to tmux rather than to the agent. */
  readonly inMode: boolean;
}

/**
 * Makes the `observe` function a delivery needs for one pane: each call reads
 * the pane's row (`list-panes`) and its screen (`capture-pane`) and runs the
 * detector. A pane that no longer exists is observed as dead, with an empty
 * screen.
 *
 * @example
 * const observe = paneObserver(client, paneId, detector);
 * const { detection } = await observe();
 */
export function paneObserver(client: TmuxClient, paneId: string, detector: Detector): () => Promise<PaneObservation> {
  const gone = (): PaneObservation => {
    const facts: ProcessFacts = { paneDead: true, currentCommand: '' };
    const screen: Screen = { lines: [] };
    return { screen, facts, detection: detector.detect(screen, facts), inMode: false };
  };
  return async () => {
    try {
      // One round trip: both commands are pipelined.
      const [rows, lines] = await Promise.all([client.listPanes(paneId), client.capturePane(paneId)]);
      const row = rows.find((pane) => pane.id === paneId);
      if (row === undefined) return gone();
      const screen: Screen = { lines };
      const facts: ProcessFacts = {
        paneDead: row.dead,
        currentCommand: row.currentCommand,
        now: Date.now(),
        ...(row.deadStatus === undefined ? {} : { deadStatus: row.deadStatus }),
      };
      return { screen, facts, detection: detector.detect(screen, facts), inMode: row.inMode };
    } catch (error) {
      // `can't find pane`: it was killed (or its window or session was).
      if (error instanceof TmuxCommandError) return gone();
      throw error;
    }
  };
}
