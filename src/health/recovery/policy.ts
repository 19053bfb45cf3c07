/**
 * Recovery policies: which strategy handles which trigger, by default, per
 * agent kind and per agent.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue } from '../../util/options.js';
import { RECOVERY_TRIGGERS, type RecoveryStrategyName, type RecoveryTrigger } from './strategy.js';

/**
 * A strategy for one trigger: its name (options come from the manager's
 * `strategies`), or its name with options of its own (laid over those).
 *
 * @example
 * const rule: RecoveryRule = { strategy: 'escalate', options: { supervisor: 'pm' } };
 */
export type RecoveryRule =
  | RecoveryStrategyName
  | {
      /** The strategy's registered name. */
      readonly strategy: RecoveryStrategyName;
      /** Options for this rule, over the manager's options for that strategy. */
      readonly options?: Readonly<Record<string, unknown>>;
    };

/** A strategy for every trigger. */
export type RecoveryPolicy = { readonly [T in RecoveryTrigger]: RecoveryRule };

/**
 * What every agent gets unless its kind or itself says otherwise: an exited
 * agent is restarted, a rate-limited one resumed at its reset time, a
 * stalled or errored one reported (`notify`).
 *
 * @example
 * await using orc = await Orchestrator.start({ recovery: { policy: { ...DEFAULT_RECOVERY_POLICY, errored: 'restart' } } });
 */
export const DEFAULT_RECOVERY_POLICY: RecoveryPolicy = Object.freeze({
  exited: 'restart',
  stalled: 'notify',
  'rate-limited': 'resume',
  errored: 'notify',
});

/**
 * Per agent kind, over {@link DEFAULT_RECOVERY_POLICY}. A `shell` that exits
 * is reported, not restarted: a shell usually ends because it was told to
 * (`exit`, the end of a script), and a new one would not have the old one's
 * directory, variables or history anyway.
 *
 * @example
 * DEFAULT_KIND_POLICIES.shell; // { exited: 'notify' }
 * recovery.setPolicy('build-shell', { exited: 'restart' }); // this shell is restarted after all
 */
export const DEFAULT_KIND_POLICIES: Readonly<Record<string, Partial<RecoveryPolicy>>> = Object.freeze({
  shell: Object.freeze({ exited: 'notify' }),
});

/** The strategy name of a rule. @internal */
export function ruleStrategy(rule: RecoveryRule): RecoveryStrategyName {
  return typeof rule === 'string' ? rule : rule.strategy;
}

/**
 * Checks a partial policy given as option `name`: an object whose keys are
 * triggers and whose values are rules (or `undefined`, for "not set here").
 *
 * @throws {@link InvalidOptionError} naming the option, the trigger and the value.
 * @internal
 */
export function checkPolicy(name: string, value: unknown): Partial<RecoveryPolicy> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an object of strategies by trigger, got ${describeValue(value)}`);
  }
  for (const [trigger, rule] of Object.entries(value)) {
    if (!(RECOVERY_TRIGGERS as readonly string[]).includes(trigger)) {
      throw new InvalidOptionError(
        `Unknown trigger \`${trigger}\` in \`${name}\` (known: ${RECOVERY_TRIGGERS.map((known) => `\`${known}\``).join(', ')})`,
      );
    }
    if (rule !== undefined && !isRule(rule)) {
      throw new InvalidOptionError(
        `Expected \`${name}.${trigger}\` to be a strategy name or \`{ strategy, options }\`, got \`${JSON.stringify(rule) ?? String(rule)}\` (${typeof rule})`,
      );
    }
  }
  return value as Partial<RecoveryPolicy>;
}

/** Lays partial policies over a full one, later layers first; unset triggers fall through. @internal */
export function layerPolicies(base: RecoveryPolicy, ...layers: readonly (Partial<RecoveryPolicy> | undefined)[]): RecoveryPolicy {
  const merged: Record<RecoveryTrigger, RecoveryRule> = { ...base };
  for (const layer of layers) {
    for (const trigger of RECOVERY_TRIGGERS) {
      const rule = layer?.[trigger];
      if (rule !== undefined) merged[trigger] = rule;
    }
  }
  return merged;
}

function isRule(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { strategy, options, ...rest } = value as { strategy?: unknown; options?: unknown };
  if (Object.keys(rest).length > 0 || typeof strategy !== 'string' || strategy === '') return false;
  return options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options));
}
