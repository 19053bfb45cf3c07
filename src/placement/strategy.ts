/**
 * Placement: which tmux server a new agent goes to, as a strategy of the
 * registry kind `placement`.
 *
 * @module
 */
import type { TmuxServerOptions } from '../tmux/server.js';

/** A server and how many agents of the fleet run on it. */
export interface ServerLoad {
  /** The server. */
  readonly server: TmuxServerOptions;
  /** Agents of the fleet on it now. */
  readonly agents: number;
}

/** The agent being placed. */
export interface PlacementRequest {
  /** Its name. */
  readonly name: string;
  /** Its kind. */
  readonly kind: string;
  /** The session asked for, if any. */
  readonly session?: string;
}

/**
 * Picks the server for a new agent among the orchestrator's servers (in the
 * order they were configured). It must return one of `servers[i].server`.
 */
export type PlacementStrategy = (servers: readonly ServerLoad[], request: PlacementRequest) => TmuxServerOptions;

/** Makes a placement strategy; registered under the strategy's name. */
export type PlacementFactory = () => PlacementStrategy;

declare module '../strategies/registry.js' {
  interface StrategyKinds {
    /** Picks the tmux server for a new agent; registered under the strategy's name. */
    placement: PlacementFactory;
  }
}

/** The placement strategy names the type system knows; plugins add theirs by declaration merging. */
export interface PlacementStrategyNames {
  /** The server with the fewest agents; ties go to the earlier server. */
  'least-loaded': true;
  /** Always the first server. */
  first: true;
}

/** A known placement strategy name. */
export type PlacementStrategyName = keyof PlacementStrategyNames & string;
