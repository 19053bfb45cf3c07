import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxNotFoundError, TmuxVersionError } from '../../src/errors.js';
import {
  compareTmuxVersions,
  detectTmuxVersion,
  MINIMUM_TMUX_VERSION,
  parseTmuxVersion,
  tmuxFeatures,
  type TmuxVersion,
} from '../../src/tmux/version.js';

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', { raw: '3.3a', major: 3, minor: 3, patch: 1 }],
    ['tmux 3.3a\n', { raw: '3.3a', major: 3, minor: 3, patch: 1 }],
    ['tmux 3.2', { raw: '3.2', major: 3, minor: 2, patch: 0 }],
    ['tmux 3.1c', { raw: '3.1c', major: 3, minor: 1, patch: 3 }],
    ['tmux 3.10', { raw: '3.10', major: 3, minor: 10, patch: 0 }],
    ['tmux next-3.6', { raw: 'next-3.6', major: 3, minor: 6, patch: 0 }],
    ['3.4', { raw: '3.4', major: 3, minor: 4, patch: 0 }],
  ])('parses %j', (output, expected) => {
    expect(parseTmuxVersion(output)).toEqual(expected);
  });

  it.each(['tmux openbsd-7.5', 'tmux master'])('takes the unnumbered build %j as newest', (output) => {
    const version = parseTmuxVersion(output);
    expect(version.raw).toBe(output.replace(/^tmux\s*/u, ''));
    expect(compareTmuxVersions(version, parseTmuxVersion('tmux 9.9z'))).toBeGreaterThan(0);
  });
});

describe('compareTmuxVersions', () => {
  const v = (text: string): TmuxVersion => parseTmuxVersion(`tmux ${text}`);

  it('orders by major, minor, then letter', () => {
    const ordered = ['2.9a', '3.0', '3.1', '3.1c', '3.2', '3.2a', '3.3', '3.3a', '3.4', '3.9', '3.10', '4.0', 'master'];
    for (let i = 0; i < ordered.length - 1; i++) {
      const older = v(ordered[i] as string);
      const newer = v(ordered[i + 1] as string);
      expect(compareTmuxVersions(older, newer), `${ordered[i]} < ${ordered[i + 1]}`).toBeLessThan(0);
      expect(compareTmuxVersions(newer, older), `${ordered[i + 1]} > ${ordered[i]}`).toBeGreaterThan(0);
    }
  });

  it('treats equal versions as equal', () => {
    expect(compareTmuxVersions(v('3.3a'), v('3.3a'))).toBe(0);
    expect(compareTmuxVersions(v('next-3.6'), v('3.6'))).toBe(0);
  });
});

describe('tmuxFeatures', () => {
  it.each([
    ['3.1c', { subscriptions: false, flowControl: false, notificationsInBlocks: false }],
    ['3.2', { subscriptions: true, flowControl: true, notificationsInBlocks: false }],
    ['3.3a', { subscriptions: true, flowControl: true, notificationsInBlocks: false }],
    ['3.4', { subscriptions: true, flowControl: true, notificationsInBlocks: true }],
    ['next-3.6', { subscriptions: true, flowControl: true, notificationsInBlocks: true }],
    ['openbsd-7.5', { subscriptions: true, flowControl: true, notificationsInBlocks: true }],
    ['master', { subscriptions: true, flowControl: true, notificationsInBlocks: true }],
  ])('gates tmux %s', (version, features) => {
    expect(tmuxFeatures(parseTmuxVersion(`tmux ${version}`))).toEqual(features);
  });
});

describe('detectTmuxVersion', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tmo-version-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** Writes an executable that answers `-V` like a tmux of the given version. */
  async function fakeTmux(name: string, version: string): Promise<string> {
    const path = join(directory, name);
    await writeFile(path, `#!/bin/sh\necho 'tmux ${version}'\n`);
    await chmod(path, 0o755);
    return path;
  }

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
  }

  it('detects the installed tmux', async () => {
    const version = await detectTmuxVersion();
    expect(compareTmuxVersions(version, parseTmuxVersion(MINIMUM_TMUX_VERSION))).toBeGreaterThanOrEqual(0);
  });

  it('throws TmuxNotFoundError for a binary that does not exist', async () => {
    const missing = join(directory, 'no-such-tmux');
    const error = await rejection(detectTmuxVersion(missing));
    expect(error).toBeInstanceOf(TmuxNotFoundError);
    expect((error as TmuxNotFoundError).code).toBe('ERR_TMUX_NOT_FOUND');
    expect((error as TmuxNotFoundError).tmuxPath).toBe(missing);
  });

  it('throws TmuxVersionError for a tmux older than the minimum', async () => {
    const error = await rejection(detectTmuxVersion(await fakeTmux('old-tmux', '3.1c')));
    expect(error).toBeInstanceOf(TmuxVersionError);
    expect(error).toMatchObject({ code: 'ERR_TMUX_VERSION', found: '3.1c', required: MINIMUM_TMUX_VERSION });
  });

  it('accepts a new enough fake tmux and asks it only once', async () => {
    const path = await fakeTmux('new-tmux', '3.4');
    const first = detectTmuxVersion(path);
    expect(detectTmuxVersion(path)).toBe(first);
    expect(await first).toEqual({ raw: '3.4', major: 3, minor: 4, patch: 0 });
  });

  it('does not remember a failure', async () => {
    const path = join(directory, 'installed-later');
    expect(await rejection(detectTmuxVersion(path))).toBeInstanceOf(TmuxNotFoundError);
    await fakeTmux('installed-later', 'next-3.6');
    expect(await detectTmuxVersion(path)).toMatchObject({ raw: 'next-3.6', major: 3, minor: 6 });
  });
});
