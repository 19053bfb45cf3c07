/**
 * JSON values: what a handler job's payload may be, since it is stored and
 * read back after a restart.
 *
 * @module
 */

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Why `value` would not come back the same from JSON (a function, `undefined`,
 * a non-finite number, a bigint, a class instance such as a `Date`, a cycle…),
 * naming where it sits, or `undefined` when it would.
 *
 * @internal
 */
export function jsonProblem(value: unknown, path: string, seen: Set<object> = new Set()): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `\`${path}\` is ${String(value)}`;
    case 'object':
      break;
    default:
      return `\`${path}\` is a ${typeof value}`;
  }
  if (value === null) return undefined;
  if (seen.has(value)) return `\`${path}\` is a circular reference`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const problem = jsonProblem(value[i], `${path}[${i}]`, seen);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      return `\`${path}\` is a ${(value as object).constructor?.name ?? 'class instance'}, not a plain object`;
    }
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(item, `${path}.${key}`, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}
