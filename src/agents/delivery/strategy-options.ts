/**
 * Validation of the options the built-in delivery strategies take.
 *
 * @internal
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue } from '../../util/options.js';

/** Throws unless every key of `options` is one of `known`: a misspelt option is a mistake, not a default. */
export function rejectUnknownOptions(strategy: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(
        `Unknown option \`${key}\` for the \`${strategy}\` delivery (known: ${known.map((name) => `\`${name}\``).join(', ')})`,
      );
    }
  }
}

/** Returns `value`, or `fallback` when it is undefined; throws unless it is a non-empty array of tmux key names. */
export function keyNames(name: string, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0 || !value.every((key) => typeof key === 'string' && key !== '')) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a non-empty array of tmux key names, got ${JSON.stringify(value)}`);
  }
  return Object.freeze([...(value as string[])]);
}

/** Returns `value`, or `fallback` when it is undefined; throws unless it is a boolean. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(`Expected \`${name}\` to be a boolean, got ${describeValue(value)}`);
  return value;
}
