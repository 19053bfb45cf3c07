/**
 * Up-front checks of the options a detector factory is given.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue } from '../../util/options.js';

/**
 * Returns `options` as a record (`{}` when undefined) after checking that it
 * is a plain object naming only `known` options.
 *
 * @throws {@link InvalidOptionError} naming the detector and the option.
 */
export function detectorOptions(
  detector: string,
  options: object | undefined,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`Expected the \`${detector}\` detector's options to be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const list = known.length === 0 ? 'it takes none' : `known: ${known.map((name) => `\`${name}\``).join(', ')}`;
      throw new InvalidOptionError(`Unknown option \`${key}\` for the \`${detector}\` detector (${list})`);
    }
  }
  return options as Readonly<Record<string, unknown>>;
}

/**
 * Returns `value` (or `fallback` when undefined) after checking it is an
 * array of non-empty strings; `nonEmpty` also requires at least one.
 *
 * @throws {@link InvalidOptionError}
 */
export function stringListOption(name: string, value: unknown, fallback: readonly string[], nonEmpty = false): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '') || (nonEmpty && value.length === 0)) {
    const shape = nonEmpty ? 'a non-empty array of non-empty strings' : 'an array of non-empty strings';
    throw new InvalidOptionError(`Expected \`${name}\` to be ${shape}, got \`${describe(value)}\` (${typeof value})`);
  }
  return Object.freeze([...(value as string[])]);
}

/** A value as an option error message shows it. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value) ?? String(value);
  return String(value);
}
