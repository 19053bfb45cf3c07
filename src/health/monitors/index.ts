/**
 * The built-in monitor strategies, by mode name.
 *
 * @module
 */
import type { MonitorFactory } from '../monitor.js';
import type { MonitorMode } from '../strategy-kinds.js';
import { eventsMonitor } from './events.js';
import { pollMonitor } from './poll.js';

/** The built-in monitor factories: `events` (only panes that wrote output are captured) and `poll` (every pane, every cycle). */
export const BUILTIN_MONITORS: Readonly<Record<MonitorMode, MonitorFactory>> = Object.freeze({
  events: eventsMonitor,
  poll: pollMonitor,
});
