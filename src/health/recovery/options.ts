/**
 * Up-front checks of the options the built-in recovery strategies take.
 *
 * @internal
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue } from '../../util/options.js';

/**
 * Returns `options` as a record (`{}` when undefined) after checking that it
 * is a plain object naming only `known` options: a misspelt option is a
 * mistake, not a default.
 *
 * @throws {@link InvalidOptionError} naming the strategy and the option.
 */
export function strategyOptions(strategy: string, options: unknown, known: readonly string[]): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`Expected the \`${strategy}\` recovery's options to be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const list = known.length === 0 ? 'it takes none' : `known: ${known.map((name) => `\`${name}\``).join(', ')}`;
      throw new InvalidOptionError(`Unknown option \`${key}\` for the \`${strategy}\` recovery (${list})`);
    }
  }
  return options as Readonly<Record<string, unknown>>;
}

/** Returns `value`, or `fallback` when it is undefined; throws unless it is a non-empty string. */
export function nonEmptyString(name: string, value: unknown, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(`Expected \`${name}\` to be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}
