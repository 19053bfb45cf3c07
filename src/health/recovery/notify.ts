/**
 * The `notify` recovery: does nothing to the agent. The manager's `recovery`
 * event (and the diagnostics message) is the notice.
 *
 * @module
 */
import { evidenceText } from './evidence.js';
import { strategyOptions } from './options.js';
import type { RecoveryAction, RecoveryContext, RecoveryStrategy } from './strategy.js';

const NAME = 'notify';

/**
 * Makes a `notify` recovery: every call is `notified`, with the trigger and
 * the evidence as `detail`. It takes no options.
 *
 * @throws `InvalidOptionError` for any option.
 * @example
 * manager.on('recovery', ({ agent, action }) => {
 *   if (action.outcome === 'notified') console.warn(agent.name, action.detail);
 * });
 */
export function notifyRecovery(options: Readonly<Record<string, never>> = {}): RecoveryStrategy {
  strategyOptions(NAME, options, []);
  return {
    name: NAME,
    recover(context: RecoveryContext): Promise<RecoveryAction> {
      return Promise.resolve({ outcome: 'notified', detail: `${context.trigger}: ${evidenceText(context.report)}` });
    },
  };
}
