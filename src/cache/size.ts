/**
 * The default size estimate of cached values, for a layer's `maxBytes`.
 *
 * @module
 */

/** What a value whose JSON cannot be built (a cycle, a BigInt) counts as, in bytes. */
const UNKNOWN_SIZE = 1024;

/** What a number, a boolean, `null` or another scalar counts as, in bytes. */
const SCALAR_SIZE = 8;

/**
 * A cheap estimate of a value's memory, in bytes: strings at two bytes per
 * UTF-16 unit, arrays as the sum of their items, byte arrays (Buffers) by
 * their length, other objects by the length of their JSON.
 *
 * @internal
 */
export function defaultSizeOf(value: unknown): number {
  if (!Array.isArray(value)) return itemSize(value);
  let size = 0;
  // One level only: no recursion, so no trouble with cycles.
  for (const item of value as unknown[]) size += itemSize(item);
  return size;
}

function itemSize(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (value === null || typeof value !== 'object') return SCALAR_SIZE;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  try {
    return JSON.stringify(value).length * 2;
  } catch {
    return UNKNOWN_SIZE;
  }
}
