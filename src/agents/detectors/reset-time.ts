/**
 * Reading when an agent may go on from what its screen says about a limit:
 * a clock time (`(7:18am)`, `resets 7pm`, `resets 3pm (Europe/Berlin)`), a
 * Unix time (`limit reached|1763880000`) or a delay (`Retrying in 4s`, `try
 * again in 2 days 3 hours`).
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue } from '../../util/options.js';

/** `7:18am`, `7pm`, `3:15 PM`, optionally followed by an IANA zone in parentheses. */
const CLOCK = /(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?![a-z])(?:\s*\(([A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+|UTC)\))?/iu;

/** `resets 19:00`, `reset at 07:30`: a 24-hour clock after the word reset. */
const CLOCK_24 = /\breset(?:s)?(?:\s+at)?\s+(\d{1,2}):(\d{2})(?!\d)(?:\s*\(([A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+|UTC)\))?/iu;

/** `limit reached|1763880000`: Unix seconds after a bar. */
const UNIX_SECONDS = /\|(\d{10})\b/u;

/** `in 4s`, `in 2m 11s`, `in 0.2 seconds`, `in 2 days 3 hours 5 minutes`. */
const DELAY = /\bin\s+((?:\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b[\s,]*(?:and\s+)?)+)/iu;

const DELAY_PART = /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/giu;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * When the limit `text` talks about ends, or `undefined` when it says
 * nothing readable. A clock time wins over a delay (`Retrying in 4s (7:18am)`
 * is a retry in 4 s of a limit that resets at 7:18). A clock time is the next
 * time it shows at or after `now` (a minute's or an hour's grace, as the
 * screen rounds it down), in the zone named next to it, else `timeZone`,
 * else the local zone. Clock times and delays need `now`.
 *
 * @param now - When the screen was read, ms since the epoch.
 * @param timeZone - IANA zone the agent shows times in (its `TZ`).
 */
export function parseResetTime(text: string, now: number | undefined, timeZone?: string): Date | undefined {
  const unix = UNIX_SECONDS.exec(text);
  if (unix !== null) return new Date(Number(unix[1]) * 1000);
  if (now === undefined) return undefined;
  const clock = CLOCK.exec(text);
  if (clock !== null) {
    const hour12 = Number(clock[1]);
    const minute = clock[2] === undefined ? 0 : Number(clock[2]);
    if (hour12 >= 1 && hour12 <= 12 && minute < 60) {
      const hour = (hour12 % 12) + (clock[3]?.toLowerCase() === 'p' ? 12 : 0);
      const grace = clock[2] === undefined ? 3_600_000 : 60_000;
      return nextWallClock(now, hour, minute, knownZone(clock[4]) ?? timeZone, grace);
    }
  }
  const clock24 = CLOCK_24.exec(text);
  if (clock24 !== null && Number(clock24[1]) < 24 && Number(clock24[2]) < 60) {
    return nextWallClock(now, Number(clock24[1]), Number(clock24[2]), knownZone(clock24[3]) ?? timeZone, 60_000);
  }
  const delay = DELAY.exec(text);
  if (delay !== null) return new Date(now + delayMs(delay[1] ?? ''));
  return undefined;
}

function delayMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DELAY_PART)) {
    const lower = (unit ?? '').toLowerCase();
    const key = lower === 'ms' || lower.startsWith('milli') ? 'ms' : lower.startsWith('mi') || lower === 'm' ? 'm' : (lower[0] ?? 's');
    total += Number(amount) * (UNIT_MS[key] ?? 1_000);
  }
  return Math.round(total);
}

/**
 * Checks an IANA time zone option (e.g. `Europe/Berlin`, `UTC`).
 *
 * @throws {@link InvalidOptionError} when the runtime does not know it.
 */
export function validateTimeZone(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || knownZone(value) === undefined) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an IANA time zone such as \`Europe/Berlin\`, got ${describeValue(value)}`);
  }
  return value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter of wall-clock parts in `zone` (`undefined`: the local zone), or `undefined` for an unknown zone. */
function wallClockFormat(zone: string | undefined): Intl.DateTimeFormat | undefined {
  const key = zone ?? '';
  let format = formatters.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined;
    }
    formatters.set(key, format);
  }
  return format;
}

function knownZone(zone: string | undefined): string | undefined {
  return zone !== undefined && wallClockFormat(zone) !== undefined ? zone : undefined;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(epochMs: number, zone: string | undefined): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of (wallClockFormat(zone) ?? wallClockFormat(undefined))!.formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `zone` from UTC at `epochMs`, in ms. */
function zoneOffset(epochMs: number, zone: string | undefined): number {
  const wall = wallClock(epochMs, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** The instant the wall clock in `zone` shows the given date and time. */
function instantOf(year: number, month: number, day: number, hour: number, minute: number, zone: string | undefined): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const estimate = asUtc - zoneOffset(asUtc, zone);
  // The offset at the estimate is right even when the day changes offset (daylight saving time).
  return asUtc - zoneOffset(estimate, zone);
}

/** The first time at or after `now - grace` the clock in `zone` shows `hour:minute`. */
function nextWallClock(now: number, hour: number, minute: number, zone: string | undefined, grace: number): Date {
  const today = wallClock(now, zone);
  let instant = instantOf(today.year, today.month, today.day, hour, minute, zone);
  if (instant + grace <= now) instant = instantOf(today.year, today.month, today.day + 1, hour, minute, zone);
  return new Date(instant);
}
