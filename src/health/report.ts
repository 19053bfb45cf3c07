/**
 * What a monitor cycle reports, per agent and as a whole.
 *
 * @module
 */
import type { AgentState, Detection } from '../agents/state.js';
import type { OrchestratorError } from '../errors.js';

/**
 * An agent's health, beside its state:
 * - `healthy`: observed, and nothing is wrong;
 * - `stalled`: `working` with no output for longer than the stall time;
 * - `exited`: its process is gone (confirmed `exited`);
 * - `failed`: this cycle could not observe it (tmux error, timeout).
 */
export type AgentHealth = 'healthy' | 'stalled' | 'exited' | 'failed';

/** One agent's line in a cycle report. */
export interface AgentReport {
  /** The agent's name. */
  readonly agent: string;
  /** Its kind. */
  readonly kind: string;
  /** Its pane, `%N`. */
  readonly paneId: string;
  /** The confirmed state (after hysteresis). */
  readonly state: AgentState;
  /** Since when it is in that state, ms since the epoch. */
  readonly since: number;
  /** When its pane last wrote output, ms since the epoch, when known. */
  readonly lastOutputAt: number | undefined;
  /** Its health. */
  readonly health: AgentHealth;
  /** The latest detection (may not be confirmed yet). */
  readonly detection: Detection;
  /** `true` when its screen was captured in this cycle; `false` when the cached screen was still current. */
  readonly captured: boolean;
  /** Why it could not be observed, for `health: 'failed'`. */
  readonly error?: OrchestratorError;
}

/** One monitor cycle. */
export interface CycleReport {
  /** The cycle's number, from 1. */
  readonly cycle: number;
  /** `poll` (every screen captured) or `events` (only the panes that wrote output). */
  readonly mode: string;
  /** When it started, ms since the epoch. */
  readonly startedAt: number;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** One report per agent, in fleet order. */
  readonly agents: readonly AgentReport[];
  /** Screens captured fresh. */
  readonly captures: number;
  /** Screens served from the cache because the pane wrote nothing since its last capture. */
  readonly cacheHits: number;
  /** Agents whose observation failed. */
  readonly errors: number;
  /** Servers looked at. */
  readonly servers: number;
}
