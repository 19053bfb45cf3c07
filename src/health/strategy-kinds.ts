/**
 * The monitor strategy kind, added to the registry's {@link StrategyKinds}.
 *
 * @module
 */
import type { MonitorFactory } from './monitor.js';

declare module '../strategies/registry.js' {
  interface StrategyKinds {
    /** Tells the health checker which panes changed; registered under the mode's name (`events`, `poll`). */
    monitor: MonitorFactory;
  }
}

/** The monitor modes the type system knows; plugins add theirs by declaration merging. */
export interface MonitorModes {
  /** Capture only the panes that wrote output (one hidden control client per server). */
  events: true;
  /** Capture every pane every cycle. */
  poll: true;
}

/** A known monitor mode. */
export type MonitorMode = keyof MonitorModes & string;
