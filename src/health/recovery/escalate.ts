/**
 * The `escalate` recovery: tells a supervisor agent (a project manager, in
 * the original scripts' terms) that an agent needs help, by sending it a
 * message.
 *
 * @module
 */
import { evidenceText } from './evidence.js';
import { RecoveryError } from './errors.js';
import { nonEmptyString, strategyOptions } from './options.js';
import type { RecoveryAction, RecoveryContext, RecoveryStrategy } from './strategy.js';

/** Options of {@link escalateRecovery}. */
export interface EscalateOptions {
  /** The name of the agent to tell. Required. */
  readonly supervisor: string;
  /**
   * The message. `{agent}`, `{kind}`, `{trigger}`, `{state}`, `{evidence}`
   * and `{attempt}` are replaced by the agent's name and kind, the trigger,
   * its confirmed state, its evidence (one line) and the attempt number.
   * @default 'Agent {agent} ({kind}) {trigger}: {evidence}. Please check on it.'
   */
  readonly message?: string;
}

const NAME = 'escalate';

/**
 * The default {@link EscalateOptions.message}.
 *
 * @example
 * escalateRecovery({ supervisor: 'pm', message: `${DEFAULT_ESCALATION_MESSAGE} (attempt {attempt})` });
 */
export const DEFAULT_ESCALATION_MESSAGE = 'Agent {agent} ({kind}) {trigger}: {evidence}. Please check on it.';

/**
 * Fills in an escalation message template from a recovery context.
 *
 * @example
 * escalationMessage('{agent} is {trigger}', context); // 'eng-1 is stalled'
 */
export function escalationMessage(template: string, context: RecoveryContext): string {
  const values: Readonly<Record<string, string>> = {
    agent: context.agent.name,
    kind: context.agent.kind,
    trigger: context.trigger,
    state: context.report.state,
    evidence: evidenceText(context.report),
    attempt: String(context.attempt),
  };
  return template.replace(/\{(\w+)\}/gu, (whole, key: string) => values[key] ?? whole);
}

/**
 * Makes an `escalate` recovery: sends the supervisor the message
 * (`agent.send()`, verified, queued behind its other messages) and reports
 * `escalated`. A supervisor missing from the fleet fails the recovery with
 * `RecoveryError`; an agent that is its own supervisor is `skipped`.
 *
 * @throws `InvalidOptionError` when `supervisor` is missing, or for an unknown or invalid option.
 * @example
 * const strategy = escalateRecovery({ supervisor: 'pm', message: '{agent} is {trigger}: {evidence}' });
 */
export function escalateRecovery(options: EscalateOptions): RecoveryStrategy {
  const checked = strategyOptions(NAME, options, ['supervisor', 'message']);
  const supervisor = nonEmptyString('supervisor', checked['supervisor']);
  const template = nonEmptyString('message', checked['message'], DEFAULT_ESCALATION_MESSAGE);

  return {
    name: NAME,
    async recover(context: RecoveryContext): Promise<RecoveryAction> {
      const { agent, trigger } = context;
      if (supervisor === agent.name) return { outcome: 'skipped', detail: 'the agent is its own supervisor' };
      const target = context.lookup(supervisor);
      if (target === undefined) {
        throw new RecoveryError({ agent: agent.name, trigger, strategy: NAME }, `the supervisor agent ${JSON.stringify(supervisor)} is not in the fleet`);
      }
      const message = escalationMessage(template, context);
      await target.send(message, { signal: context.signal });
      return { outcome: 'escalated', supervisor, message, detail: `told ${JSON.stringify(supervisor)}` };
    },
  };
}
