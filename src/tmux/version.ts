/**
 * tmux version detection and the feature gates that depend on it.
 *
 * @module
 */
import { execa } from 'execa';
import { TmuxNotFoundError, TmuxVersionError } from '../errors.js';

/** A parsed `tmux -V` answer. */
export interface TmuxVersion {
  /** The text tmux printed after `tmux `, e.g. `3.3a` or `next-3.6`. */
  readonly raw: string;
  /** Major version, e.g. 3. */
  readonly major: number;
  /** Minor version, e.g. 3 in 3.3a. */
  readonly minor: number;
  /** The letter suffix as a number: `a` is 1, none is 0. */
  readonly patch: number;
}

/** Behaviour that differs between tmux versions. */
export interface TmuxFeatures {
  /** `refresh-client -B` format subscriptions (3.2+). */
  readonly subscriptions: boolean;
  /** `refresh-client -f pause-after` flow control and `-A` per-pane output control (3.2+). */
  readonly flowControl: boolean;
  /**
   * Any notification may appear inside a reply block (versions whose
   * notifications fire while the command runs). 3.3 and older defer them until
   * after `%end`, except the `%pause`/`%continue` a `refresh-client` causes,
   * which the control connection reads out of that command's reply.
   */
  readonly notificationsInBlocks: boolean;
}

/**
 * The oldest tmux this library supports.
 *
 * @example
 * const supported = compareTmuxVersions(parseTmuxVersion('tmux 3.1c'), parseTmuxVersion(MINIMUM_TMUX_VERSION)) >= 0; // false
 */
export const MINIMUM_TMUX_VERSION = '3.2';

/**
 * Parses `tmux -V` output such as `tmux 3.3a`, `tmux next-3.6` or
 * `tmux openbsd-7.5`. Unrecognised builds (`tmux master`) are taken as new.
 *
 * @example
 * parseTmuxVersion('tmux 3.3a'); // { raw: '3.3a', major: 3, minor: 3, patch: 1 }
 */
export function parseTmuxVersion(output: string): TmuxVersion {
  const raw = output.trim().replace(/^tmux\s+/u, '');
  const match = /(\d+)\.(\d+)([a-z]?)/u.exec(raw);
  if (match === null || raw.startsWith('openbsd-')) return { raw, major: 99, minor: 0, patch: 0 };
  const [, major, minor, letter] = match as unknown as [string, string, string, string];
  return { raw, major: Number(major), minor: Number(minor), patch: letter === '' ? 0 : letter.charCodeAt(0) - 96 };
}

/**
 * Compares two versions: negative when `a` is older than `b`.
 *
 * @example
 * compareTmuxVersions(parseTmuxVersion('tmux 3.3a'), parseTmuxVersion('3.2')) > 0; // true: 3.3a is newer
 */
export function compareTmuxVersions(a: TmuxVersion, b: TmuxVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The feature gates for a version.
 *
 * @example
 * tmuxFeatures(parseTmuxVersion('tmux 3.3a')); // { subscriptions: true, flowControl: true, notificationsInBlocks: false }
 */
export function tmuxFeatures(version: TmuxVersion): TmuxFeatures {
  const atLeast = (text: string): boolean => compareTmuxVersions(version, parseTmuxVersion(text)) >= 0;
  return {
    subscriptions: atLeast('3.2'),
    flowControl: atLeast('3.2'),
    notificationsInBlocks: atLeast('3.4'),
  };
}

const detected = new Map<string, Promise<TmuxVersion>>();

/**
 * Runs `tmux -V` once per binary and checks the minimum version.
 *
 * @throws {@link TmuxNotFoundError} when the binary cannot be run.
 * @throws {@link TmuxVersionError} when it is older than {@link MINIMUM_TMUX_VERSION}.
 * @example
 * const version = await detectTmuxVersion(); // e.g. { raw: '3.3a', major: 3, minor: 3, patch: 1 }
 * const { flowControl } = tmuxFeatures(version);
 */
export function detectTmuxVersion(tmuxPath = 'tmux'): Promise<TmuxVersion> {
  let version = detected.get(tmuxPath);
  if (version === undefined) {
    version = runVersion(tmuxPath);
    detected.set(tmuxPath, version);
    version.catch(() => detected.delete(tmuxPath));
  }
  return version;
}

async function runVersion(tmuxPath: string): Promise<TmuxVersion> {
  let stdout: string;
  try {
    ({ stdout } = await execa(tmuxPath, ['-V'], { timeout: 10_000 }));
  } catch (error) {
    throw new TmuxNotFoundError(tmuxPath, error);
  }
  const version = parseTmuxVersion(stdout);
  if (compareTmuxVersions(version, parseTmuxVersion(MINIMUM_TMUX_VERSION)) < 0) {
    throw new TmuxVersionError(version.raw, MINIMUM_TMUX_VERSION);
  }
  return version;
}
