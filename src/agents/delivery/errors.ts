/**
 * The errors a delivery can end with.
 *
 * @module
 */
import { OrchestratorError } from '../../errors.js';
import type { Detection } from '../state.js';

/**
 * Why a delivery failed:
 *
 * - `exited`: the agent exited once the message was being typed or had been submitted
 *   (an agent found exited before is refused with `AgentExitedError` instead).
 * - `not-ready`: the agent did not reach a state that accepts input within `waitTimeoutMs`.
 * - `input-not-cleared`: text sitting in the input line could not be cleared.
 * - `not-shown`: the typed text never showed up in the input line.
 * - `not-verified`: the agent did not take the message after `maxSubmitAttempts` presses of Enter.
 */
export type DeliveryFailureReason = 'exited' | 'not-ready' | 'input-not-cleared' | 'not-shown' | 'not-verified';

/**
 * A message could not be delivered; `reason` says at which step, `detection` what was last seen.
 *
 * @example
 * try {
 *   await eng.send('Run the tests and report');
 * } catch (error) {
 *   if (error instanceof DeliveryError) console.error(error.reason, error.detection?.state, error.attempts);
 * }
 */
export class DeliveryError extends OrchestratorError {
  /** The step that failed. */
  readonly reason: DeliveryFailureReason;
  /** The agent's state when the delivery gave up, when it was read. */
  readonly detection: Detection | undefined;
  /** Times the message was submitted (0 when it was never typed). */
  readonly attempts: number;

  constructor(reason: DeliveryFailureReason, message: string, details: { detection?: Detection; attempts?: number } = {}) {
    super('ERR_DELIVERY_FAILED', message);
    this.reason = reason;
    this.detection = details.detection;
    this.attempts = details.attempts ?? 0;
  }
}

/**
 * The agent's input line already holds text, and the delivery was told
 * (`existingInput: 'refuse'`) not to clear it. Nothing was typed.
 *
 * @example
 * try {
 *   await eng.send('Deploy to staging', { existingInput: 'refuse' });
 * } catch (error) {
 *   if (error instanceof InputNotEmptyError) console.log('someone is typing:', error.input);
 * }
 */
export class InputNotEmptyError extends OrchestratorError {
  /** The text in the input line, as the detector read it. */
  readonly input: string;

  constructor(input: string) {
    super('ERR_INPUT_NOT_EMPTY', `the agent's input line already holds text: ${JSON.stringify(preview(input))}`);
    this.input = input;
  }
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
