/**
 * Up-front validation of numeric options, with messages that name the option,
 * the value and its type.
 *
 * @internal
 */
import { InvalidOptionError } from '../errors.js';

/** A value as option errors show it: `` `-1` (number) ``. */
export function describeValue(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

/** Returns `value`, or `fallback` when it is undefined; throws unless it is a finite number > 0. */
export function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a positive number, got ${describeValue(value)}`);
  }
  return value;
}

/** Returns `value`, or `fallback` when it is undefined; throws unless it is an integer >= `min`. */
export function integerAtLeast(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}
