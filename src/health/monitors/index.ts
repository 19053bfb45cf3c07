/**
 * The built-in monitor strategies, by mode name.
 *
 * @module
 */
import type { MonitorFactory } from '../monitor.js';
import type { MonitorMode } from '../strategy-kinds.js';
import { eventsMonitor } from './events.js';
import { pollMonitor } from './poll.js';

/**
 * The built-in monitor factories: `events` (only panes that wrote output are captured) and `poll` (every pane, every cycle).
 *
 * @example
 * const registry = new StrategyRegistry();
 * for (const [mode, factory] of Object.entries(BUILTIN_MONITORS)) registry.register('monitor', mode, factory);
 * const checker = new HealthChecker({ agents: () => fleet.monitored(), registry, mode: 'poll' });
 */
export const BUILTIN_MONITORS: Readonly<Record<MonitorMode, MonitorFactory>> = Object.freeze({
  events: eventsMonitor,
  poll: pollMonitor,
});
