/**
 * Options of a delivery, their defaults and their validation.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue, integerAtLeast, positiveNumber } from '../../util/options.js';

/** What to do with text already sitting in the agent's input line. */
export type ExistingInputPolicy = 'clear' | 'refuse';

/** Options of `deliver`. */
export interface DeliveryOptions {
  /**
   * Type the message whatever the agent's state (except `exited`), instead of
   * waiting for a state in which it accepts input.
   * @default false
   */
  readonly force?: boolean;
  /**
   * Text already in the input line: `clear` it first (and report it in the
   * receipt's `cleared`) or `refuse` with `InputNotEmptyError`. The message
   * is never appended to it.
   * @default 'clear'
   */
  readonly existingInput?: ExistingInputPolicy;
  /**
   * How long to wait for the agent to accept input (while it works, or waits
   * on a question) before failing with `DeliveryError` (`not-ready`).
   * @default 600000 (10 minutes)
   */
  readonly waitTimeoutMs?: number;
  /**
   * How often to look at the agent while waiting for it to accept input.
   * @default 250
   */
  readonly waitIntervalMs?: number;
  /**
   * How long to wait for typed text (or a clearing key) to show in the input
   * line before going on.
   * @default 3000
   */
  readonly settleTimeoutMs?: number;
  /**
   * How long to wait, after each Enter, for signs that the agent took the
   * message before pressing Enter again.
   * @default 2000
   */
  readonly verifyTimeoutMs?: number;
  /**
   * Presses of Enter before giving up with `DeliveryError` (`not-verified`).
   * The text itself is typed once, never again.
   * @default 3
   */
  readonly maxSubmitAttempts?: number;
  /**
   * How often to look at the screen while text settles and while a submit is verified.
   * @default 20
   */
  readonly pollIntervalMs?: number;
  /**
   * Abandons the delivery with `AbortedError` while it waits for the agent or
   * clears its input line. Once typing has begun the delivery runs to its end
   * (a few seconds at most), so no half-typed message is left behind.
   */
  readonly signal?: AbortSignal;
}

/** {@link DeliveryOptions} with every default filled in. @internal */
export interface ResolvedDeliveryOptions extends Required<Omit<DeliveryOptions, 'signal'>> {
  readonly signal: AbortSignal | undefined;
}

/**
 * Fills in defaults and checks every option.
 *
 * @internal
 * @throws `InvalidOptionError` naming the option, the value and its type.
 */
export function resolveDeliveryOptions(options: DeliveryOptions = {}): ResolvedDeliveryOptions {
  const existingInput = options.existingInput ?? 'clear';
  if (existingInput !== 'clear' && existingInput !== 'refuse') {
    throw new InvalidOptionError(`Expected \`existingInput\` to be 'clear' or 'refuse', got ${describeValue(existingInput)}`);
  }
  const force = options.force ?? false;
  if (typeof force !== 'boolean') {
    throw new InvalidOptionError(`Expected \`force\` to be a boolean, got ${describeValue(force)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  return {
    force,
    existingInput,
    waitTimeoutMs: positiveNumber('waitTimeoutMs', options.waitTimeoutMs, 600_000),
    waitIntervalMs: positiveNumber('waitIntervalMs', options.waitIntervalMs, 250),
    settleTimeoutMs: positiveNumber('settleTimeoutMs', options.settleTimeoutMs, 3_000),
    verifyTimeoutMs: positiveNumber('verifyTimeoutMs', options.verifyTimeoutMs, 2_000),
    maxSubmitAttempts: integerAtLeast('maxSubmitAttempts', options.maxSubmitAttempts, 3, 1),
    pollIntervalMs: positiveNumber('pollIntervalMs', options.pollIntervalMs, 20),
    signal,
  };
}
