/**
 * Comparing arrays of strings.
 *
 * @module
 */

/**
 * `true` when both arrays hold the same strings in the same order.
 *
 * @internal
 * @example
 * sameStrings(['a', 'b'], ['a', 'b']); // true
 */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
