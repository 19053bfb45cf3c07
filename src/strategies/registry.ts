/**
 * One registry of named, typed strategies. Built-ins and plugins register
 * here; components look strategies up by kind and name.
 *
 * @module
 */
import { OrchestratorError } from '../errors.js';
import { describeValue } from '../util/options.js';

/**
 * The strategy kinds and the type registered under each. Later modules (and
 * plugins) add kinds by declaration merging:
 *
 * @example
 * declare module 'tmux-orchestrator' {
 *   interface StrategyKinds { notifier: (message: string) => Promise<void> }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface StrategyKinds {}

/** A kind of strategy, e.g. `detector`. */
export type StrategyKind = keyof StrategyKinds & string;

/**
 * No strategy of that kind is registered under that name.
 *
 * @example
 * try {
 *   orc.registry.get('detector', 'my-cli');
 * } catch (error) {
 *   if (error instanceof UnknownStrategyError) console.log(error.known); // ['aider', 'claude-code', …]
 * }
 */
export class UnknownStrategyError extends OrchestratorError {
  /** The kind looked up. */
  readonly kind: string;
  /** The name looked up. */
  readonly strategy: string;
  /** The names registered for that kind. */
  readonly known: readonly string[];

  constructor(kind: string, strategy: string, known: readonly string[]) {
    const list = known.length === 0 ? 'none are registered' : `known: ${known.map((name) => `\`${name}\``).join(', ')}`;
    super('ERR_UNKNOWN_STRATEGY', `unknown ${kind} strategy \`${strategy}\` (${list})`);
    this.kind = kind;
    this.strategy = strategy;
    this.known = known;
  }
}

/**
 * Named strategies by kind.
 *
 * @example
 * const registry = new StrategyRegistry();
 * const unregister = registry.register('delivery', 'slow-keys', () => literalKeysDelivery({ chunkSize: 64 }));
 * const strategy = registry.get('delivery', 'slow-keys')();
 * registry.names('delivery'); // ['slow-keys']
 * unregister();
 */
export class StrategyRegistry {
  readonly #entries = new Map<string, Map<string, unknown>>();

  /**
   * Registers `impl` as `name` for `kind`, replacing any earlier one, and
   * returns a function that removes it again (and puts back what it replaced).
   */
  register<K extends StrategyKind>(kind: K, name: string, impl: StrategyKinds[K]): () => void {
    if (typeof name !== 'string' || name === '') {
      throw new OrchestratorError('ERR_INVALID_ARGUMENT', `Expected a strategy name, got ${describeValue(name)}`);
    }
    let byName = this.#entries.get(kind);
    if (byName === undefined) {
      byName = new Map();
      this.#entries.set(kind, byName);
    }
    const previous = byName.get(name);
    byName.set(name, impl);
    const entries = byName;
    return () => {
      if (entries.get(name) !== impl) return;
      if (previous === undefined) entries.delete(name);
      else entries.set(name, previous);
    };
  }

  /**
   * The strategy registered as `name` for `kind`.
   *
   * @throws {@link UnknownStrategyError} naming the registered strategies.
   */
  get<K extends StrategyKind>(kind: K, name: string): StrategyKinds[K] {
    const impl = this.#entries.get(kind)?.get(name);
    if (impl === undefined) throw new UnknownStrategyError(kind, name, this.names(kind));
    return impl as StrategyKinds[K];
  }

  /** `true` when a strategy is registered as `name` for `kind`. */
  has(kind: StrategyKind, name: string): boolean {
    return this.#entries.get(kind)?.has(name) ?? false;
  }

  /** The names registered for `kind`, sorted. */
  names(kind: StrategyKind): string[] {
    return [...(this.#entries.get(kind)?.keys() ?? [])].sort();
  }
}
