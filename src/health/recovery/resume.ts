/**
 * The `resume` recovery: once a rate limit resets, sends the agent a message
 * (`continue`) so it picks up where it stopped.
 *
 * @module
 */
import { positiveNumber } from '../../util/options.js';
import { nonEmptyString, strategyOptions } from './options.js';
import type { RecoveryAction, RecoveryContext, RecoveryStrategy } from './strategy.js';

/** Options of {@link resumeRecovery}. */
export interface ResumeOptions {
  /**
   * The message sent once the limit has reset.
   * @default 'continue'
   */
  readonly message?: string;
  /**
   * How long after the reset time the message is sent, in milliseconds: an
   * agent that retries by itself (`Retrying in 4s`) has left the state by
   * then, and the message is not sent.
   * @default 5000
   */
  readonly marginMs?: number;
  /**
   * When the screen gives no reset time: how long to wait before sending, in milliseconds.
   * @default 300000 (5 minutes)
   */
  readonly fallbackDelayMs?: number;
}

const NAME = 'resume';

/**
 * When a rate-limited agent should be sent its message: `marginMs` after the
 * detected reset time, or `fallbackDelayMs` from `now` when there is none.
 *
 * @example
 * resumeTime(new Date('2030-01-01T19:00:00Z'), Date.now(), { marginMs: 5000, fallbackDelayMs: 300_000 });
 */
export function resumeTime(resetAt: Date | undefined, now: number, options: { readonly marginMs: number; readonly fallbackDelayMs: number }): number {
  const reset = resetAt?.getTime();
  return reset === undefined || Number.isNaN(reset) ? now + options.fallbackDelayMs : reset + options.marginMs;
}

/**
 * Makes a `resume` recovery. The first call schedules the message for the
 * reset time (see {@link resumeTime}); the manager cancels it if the agent
 * leaves `rate-limited` (or the fleet) first, and otherwise calls back then:
 * the message is sent with `force` (a rate-limited agent is not idle) and the
 * action is `resumed`.
 *
 * @throws `InvalidOptionError` for an unknown or invalid option.
 * @example
 * const strategy = resumeRecovery({ message: 'Please continue where you stopped.', fallbackDelayMs: 600_000 });
 */
export function resumeRecovery(options: ResumeOptions = {}): RecoveryStrategy {
  strategyOptions(NAME, options, ['message', 'marginMs', 'fallbackDelayMs']);
  const message = nonEmptyString('message', options.message, 'continue');
  const timing = {
    marginMs: options.marginMs === 0 ? 0 : positiveNumber('marginMs', options.marginMs, 5000),
    fallbackDelayMs: positiveNumber('fallbackDelayMs', options.fallbackDelayMs, 300_000),
  };

  return {
    name: NAME,
    async recover(context: RecoveryContext): Promise<RecoveryAction> {
      if (context.scheduledFor === undefined) {
        const resetAt = context.report.detection.resetAt;
        const retryAt = resumeTime(resetAt, context.now(), timing);
        const when = resetAt === undefined ? 'no reset time on screen' : `resets at ${resetAt.toISOString()}`;
        return { outcome: 'scheduled', retryAt, detail: `send ${JSON.stringify(message)} at ${new Date(retryAt).toISOString()} (${when})` };
      }
      await context.agent.send(message, { force: true, signal: context.signal });
      return { outcome: 'resumed', detail: `sent ${JSON.stringify(message)}` };
    },
  };
}
