/**
 * Human durations: `'90s'`, `'15m'`, `'2h30m'`, `'1.5h'`, `'250ms'`, or a
 * number of milliseconds.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { describeValue } from '../util/options.js';

/**
 * A duration: milliseconds as a number, or a string of one or more
 * `<number><unit>` parts (units `ms`, `s`, `m`, `h`, `d`, `w`; parts may be
 * separated by spaces), e.g. `'90s'`, `'2h30m'`, `'1d 12h'`.
 */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\s*)+$/u;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gu;

/**
 * Milliseconds in a duration, rounded to a whole millisecond.
 *
 * @throws `InvalidArgumentError` for a negative, non-finite or unsafe
 *   number, or a string that is not a sequence of `<number><unit>` parts.
 * @example
 * parseDuration('2h30m'); // 9_000_000
 * parseDuration('90s');   // 90_000
 * parseDuration(1500);    // 1500
 */
export function parseDuration(value: Duration): number {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && WHOLE.test(value.trim())) {
    ms = 0;
    for (const [, amount, unit] of value.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit as string] as number);
  } else {
    throw new InvalidArgumentError(`Expected a duration like '90s', '15m' or '2h30m' (or milliseconds), got ${describeValue(value)}`);
  }
  const rounded = Math.round(ms);
  if (!Number.isFinite(ms) || ms < 0 || !Number.isSafeInteger(rounded)) {
    throw new InvalidArgumentError(`Expected a duration of 0 ms or more, within the safe integer range, got ${describeValue(value)}`);
  }
  return rounded;
}
