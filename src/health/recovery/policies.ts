/**
 * The policies a `RecoveryManager` applies (defaults, per kind, per agent)
 * and the strategies they name, each made once.
 *
 * @internal
 */
import type { Agent } from '../../agents/agent.js';
import { InvalidOptionError } from '../../errors.js';
import { StrategyRegistry } from '../../strategies/registry.js';
import { describeValue } from '../../util/options.js';
import { BUILTIN_RECOVERIES } from './index.js';
import { checkPolicy, DEFAULT_KIND_POLICIES, DEFAULT_RECOVERY_POLICY, layerPolicies, ruleStrategy, type RecoveryPolicy, type RecoveryRule } from './policy.js';
import type { RecoveryStrategy } from './strategy.js';

/** What {@link RecoveryPolicies} is made from (the manager's options of the same names). */
export interface RecoveryPoliciesOptions {
  /** Where strategies are looked up; the built-ins when unset. */
  readonly registry?: StrategyRegistry | undefined;
  /** Over the built-in defaults. */
  readonly policy?: Partial<RecoveryPolicy> | undefined;
  /** Per kind, over the built-in kind rules. */
  readonly kinds?: Readonly<Record<string, Partial<RecoveryPolicy>>> | undefined;
  /** Per agent name. */
  readonly agents?: Readonly<Record<string, Partial<RecoveryPolicy>>> | undefined;
  /** Options per strategy name. */
  readonly strategies?: Readonly<Record<string, object>> | undefined;
}

/** Policies by layer, and the strategy for each rule. */
export class RecoveryPolicies {
  readonly #registry: StrategyRegistry;
  readonly #strategyOptions: Readonly<Record<string, object>>;
  readonly #defaults: RecoveryPolicy;
  readonly #kinds = new Map<string, Partial<RecoveryPolicy>>();
  readonly #agents = new Map<string, Partial<RecoveryPolicy>>();
  readonly #named = new Map<string, RecoveryStrategy>();
  readonly #ruled = new WeakMap<object, RecoveryStrategy>();

  /** Checks every option and makes every strategy named, so a mistake fails here. */
  constructor(options: RecoveryPoliciesOptions) {
    this.#registry = options.registry ?? builtinRegistry();
    this.#strategyOptions = checkRecord('strategies', options.strategies);
    for (const [name, value] of Object.entries(this.#strategyOptions)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new InvalidOptionError(`Expected \`strategies.${name}\` to be an object of options, got ${describeValue(value)}`);
      }
    }
    this.#defaults = this.#instantiate(layerPolicies(DEFAULT_RECOVERY_POLICY, checkPolicy('policy', options.policy))) as RecoveryPolicy;
    for (const layer of Object.values(DEFAULT_KIND_POLICIES)) this.#instantiate(layer);
    for (const [kind, policy] of Object.entries(checkRecord('kinds', options.kinds))) {
      this.#kinds.set(kind, this.#instantiate(checkPolicy(`kinds.${kind}`, policy)));
    }
    for (const [name, policy] of Object.entries(checkRecord('agents', options.agents))) this.set(name, policy);
  }

  /** Replaces one agent's own rules (`undefined` or `{}` clears them). */
  set(agent: string, policy: Partial<RecoveryPolicy> | undefined): void {
    if (typeof agent !== 'string' || agent === '') throw new InvalidOptionError(`Expected an agent name, got ${describeValue(agent)}`);
    const checked = this.#instantiate(checkPolicy(`policy of ${JSON.stringify(agent)}`, policy));
    if (Object.values(checked).every((rule) => rule === undefined)) this.#agents.delete(agent);
    else this.#agents.set(agent, checked);
  }

  /** The agent's own rules, else its kind's, else the defaults. */
  for(agent: Pick<Agent, 'name' | 'kind'>): RecoveryPolicy {
    return layerPolicies(this.#defaults, DEFAULT_KIND_POLICIES[agent.kind], this.#kinds.get(agent.kind), this.#agents.get(agent.name));
  }

  /**
   * The strategy for a rule, made once per rule: a name gets the
   * `strategies` options of that name; a rule with options gets those over them.
   *
   * @throws `UnknownStrategyError`, or the factory's `InvalidOptionError`.
   */
  strategy(rule: RecoveryRule): RecoveryStrategy {
    const name = ruleStrategy(rule);
    const made = typeof rule === 'string' ? this.#named.get(name) : this.#ruled.get(rule);
    if (made !== undefined) return made;
    const base = this.#strategyOptions[name];
    const options = typeof rule === 'string' ? base : { ...base, ...rule.options };
    const strategy = this.#registry.get('recovery', name)(options as Readonly<Record<string, unknown>> | undefined);
    if (typeof rule === 'string') this.#named.set(name, strategy);
    else this.#ruled.set(rule, strategy);
    return strategy;
  }

  #instantiate(policy: Partial<RecoveryPolicy>): Partial<RecoveryPolicy> {
    for (const rule of Object.values(policy)) if (rule !== undefined) this.strategy(rule);
    return policy;
  }
}

/** A registry holding the built-in recovery strategies. */
function builtinRegistry(): StrategyRegistry {
  const registry = new StrategyRegistry();
  for (const [name, factory] of Object.entries(BUILTIN_RECOVERIES)) registry.register('recovery', name, factory);
  return registry;
}

function checkRecord<T>(name: string, value: Readonly<Record<string, T>> | undefined): Readonly<Record<string, T>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an object, got ${describeValue(value)}`);
  }
  return value;
}
