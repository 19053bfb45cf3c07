/**
 * An agent's health from its confirmed state and how long its pane has been quiet.
 *
 * @module
 */
import type { AgentState } from '../agents/state.js';
import type { AgentHealth } from './report.js';

/** What {@link classifyHealth} looks at. */
export interface HealthInput {
  /** The confirmed state. */
  readonly state: AgentState;
  /** Milliseconds since the pane last wrote output (or since it was first seen, when that is unknown). */
  readonly quietMs: number;
  /** How long a `working` agent may stay quiet before it counts as stalled. */
  readonly stallAfterMs: number;
}

/**
 * `exited` for a confirmed exit, `stalled` for an agent `working` with no
 * output for at least `stallAfterMs`, `healthy` otherwise. (`failed`, for an
 * agent that could not be observed, is decided before any of this.)
 *
 * @internal
 */
export function classifyHealth(input: HealthInput): Exclude<AgentHealth, 'failed'> {
  if (input.state === 'exited') return 'exited';
  if (input.state === 'working' && input.quietMs >= input.stallAfterMs) return 'stalled';
  return 'healthy';
}
