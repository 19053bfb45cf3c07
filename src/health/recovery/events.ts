/**
 * The events a `RecoveryManager` emits.
 *
 * @module
 */
import type { Agent } from '../../agents/agent.js';
import type { RecoveryError } from './errors.js';
import type { RecoveryAction, RecoveryTrigger } from './strategy.js';

/** Which strategy handled what, for which agent. */
export interface RecoveryEventBase {
  /** The agent. */
  readonly agent: Agent;
  /** What called for recovery. */
  readonly trigger: RecoveryTrigger;
  /** The strategy's registered name. */
  readonly strategy: string;
}

/** A strategy acted (every action, whatever its outcome). */
export interface RecoveryActionEvent extends RecoveryEventBase {
  /** How many times this trigger has struck the agent since it was last seen healthy for a while. */
  readonly attempt: number;
  /** What the strategy did. */
  readonly action: RecoveryAction;
}

/** A crash-loop cap was hit: the agent is left as it is. */
export interface RecoveryGaveUpEvent extends RecoveryEventBase {
  /** Restarts made within the window. */
  readonly restarts: number;
  /** The crash-loop window, in milliseconds. */
  readonly windowMs: number;
  /** The strategy's explanation. */
  readonly detail: string | undefined;
}

/** A supervisor agent was told about the agent. */
export interface RecoveryEscalatedEvent extends RecoveryEventBase {
  /** The supervisor's name. */
  readonly supervisor: string;
  /** The message it was sent. */
  readonly message: string;
}

/** A strategy threw. */
export interface RecoveryFailedEvent extends RecoveryEventBase {
  /** What went wrong; the original error is its `cause` when there was one. */
  readonly error: RecoveryError;
}

/** Events of a `RecoveryManager`. */
export interface RecoveryEvents {
  /** A strategy acted on an agent (restarted, resumed, notified, escalated, scheduled, gave up, skipped). */
  recovery: (event: RecoveryActionEvent) => void;
  /** A strategy gave up on an agent (a crash loop); emitted after the `recovery` event of that action. */
  'recovery:gave-up': (event: RecoveryGaveUpEvent) => void;
  /** A supervisor was told; emitted after the `recovery` event of that action. */
  'recovery:escalated': (event: RecoveryEscalatedEvent) => void;
  /** A strategy threw (a restart failed, the supervisor is missing, a message was not delivered). */
  'recovery:failed': (event: RecoveryFailedEvent) => void;
}
