/**
 * The error recovery reports when a strategy fails.
 *
 * @module
 */
import { OrchestratorError } from '../../errors.js';
import type { RecoveryTrigger } from './strategy.js';

/** Which recovery failed. */
export interface RecoveryErrorSubject {
  /** The agent's name. */
  readonly agent: string;
  /** What called for recovery. */
  readonly trigger: RecoveryTrigger;
  /** The strategy's name. */
  readonly strategy: string;
}

/**
 * A recovery strategy could not act: the supervisor to escalate to is not in
 * the fleet, a restart or a message failed (the original error is the `cause`).
 *
 * @example
 * orc.recovery?.on('recovery:failed', ({ error }) => {
 *   console.error(`${error.strategy} of ${error.agent} (${error.trigger}) failed:`, error.cause ?? error.message);
 * });
 */
export class RecoveryError extends OrchestratorError {
  /** The agent's name. */
  readonly agent: string;
  /** What called for recovery. */
  readonly trigger: RecoveryTrigger;
  /** The strategy's name. */
  readonly strategy: string;

  constructor(subject: RecoveryErrorSubject, message: string, options?: { cause?: unknown }) {
    super('ERR_RECOVERY_FAILED', `${subject.strategy} recovery of agent ${JSON.stringify(subject.agent)} (${subject.trigger}) failed: ${message}`, options);
    this.agent = subject.agent;
    this.trigger = subject.trigger;
    this.strategy = subject.strategy;
  }
}
