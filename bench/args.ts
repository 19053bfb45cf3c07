/**
 * Command lines of the benchmark scripts: parsing, and the one error that
 * prints the usage instead of a stack.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: reported as its message and the usage, without a stack. */
export class UsageError extends Error {}

/** `parseArgs` of the process's arguments, its errors turned into {@link UsageError}s. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `text` as an integer of at least `min`, or a {@link UsageError} naming `--name`. */
export function integerArgument(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${String(text)}`);
  return value;
}
