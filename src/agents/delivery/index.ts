/**
 * The built-in delivery strategies, by name.
 *
 * @module
 */
import { bracketedPasteDelivery, type BracketedPasteOptions } from './bracketed-paste.js';
import { literalKeysDelivery, type LiteralKeysOptions } from './literal-keys.js';
import type { DeliveryFactory } from './strategy.js';

/**
 * The delivery strategies this library ships: `bracketed-paste` (the default
 * for agent CLIs; multi-line text stays one message) and `literal-keys`.
 * Each factory validates its options and throws `InvalidOptionError` for
 * unknown or invalid ones.
 *
 * @example
 * const registry = new StrategyRegistry();
 * for (const [name, factory] of Object.entries(BUILTIN_DELIVERIES)) registry.register('delivery', name, factory);
 * const strategy = registry.get('delivery', 'literal-keys')({ submitKeys: ['Enter'] });
 */
export const BUILTIN_DELIVERIES: Readonly<Record<string, DeliveryFactory>> = Object.freeze({
  'bracketed-paste': (options = {}) => bracketedPasteDelivery(options as BracketedPasteOptions),
  'literal-keys': (options = {}) => literalKeysDelivery(options as LiteralKeysOptions),
});
