/**
 * The `poll` monitor: every pane is captured every cycle.
 *
 * @module
 */
import type { MonitorFactory, MonitorStrategy } from '../monitor.js';

/**
 * Captures every pane every cycle; a pane's last output is when its screen
 * was last seen to change. Needs nothing from tmux beyond the captures, so it
 * suits small fleets and servers where a hidden control client is unwelcome.
 *
 * @example
 * const checker = new HealthChecker({ mode: 'poll', agents: () => fleet, registry });
 */
export const pollMonitor: MonitorFactory = (): MonitorStrategy => {
  const changedAt = new Map<string, number>();
  return {
    async sync(panes) {
      const current = new Set(panes.map((pane) => pane.paneId));
      for (const paneId of changedAt.keys()) if (!current.has(paneId)) changedAt.delete(paneId);
      return undefined;
    },
    needsCapture: () => true,
    async beforeCapture() {},
    captured(paneId, changed, at) {
      if (changed) changedAt.set(paneId, at);
    },
    lastOutputAt: (paneId) => changedAt.get(paneId),
    pauseOutput: async () => () => undefined,
    async close() {},
  };
};
