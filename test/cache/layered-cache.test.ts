import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_LAYERS, LayeredCache } from '../../src/cache/layered-cache.js';
import { InvalidArgumentError, InvalidOptionError } from '../../src/errors.js';
import { retryUntil } from '../../src/testing/retry.js';
import { ManualClock, recordCacheMessages } from './helpers.js';

describe('LayeredCache layers and options', () => {
  it('has the four default layers with the original TTLs', () => {
    const cache = new LayeredCache();
    expect(cache.layers).toEqual(['pane_content', 'agent_status', 'session_info', 'config']);
    expect(DEFAULT_CACHE_LAYERS.pane_content.ttlMs).toBe(10_000);
    expect(DEFAULT_CACHE_LAYERS.agent_status.ttlMs).toBe(30_000);
    expect(DEFAULT_CACHE_LAYERS.session_info.ttlMs).toBe(60_000);
    expect(DEFAULT_CACHE_LAYERS.config.ttlMs).toBe(300_000);
    expect(Object.keys(cache.stats())).toEqual(cache.layers);
  });

  it('declares extra layers after the default ones', () => {
    const cache = new LayeredCache({ layers: { git_status: { ttlMs: 5_000 } } });
    expect(cache.layers).toEqual(['pane_content', 'agent_status', 'session_info', 'config', 'git_status']);
    cache.set('git_status', 'repo', 'clean');
    expect(cache.get('git_status', 'repo')).toBe('clean');
  });

  it('merges options over the defaults field by field', () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock, layers: { pane_content: { maxEntries: 2 } } });
    for (const key of ['a', 'b', 'c']) cache.set('pane_content', key, key);
    expect(cache.stats().pane_content?.entries).toBe(2);
    // The TTL is still the default 10 s (an entry is fresh up to its TTL, inclusive).
    clock.advance(10_000);
    expect(cache.peek('pane_content', 'c')).toBe('c');
    clock.advance(1);
    expect(cache.peek('pane_content', 'c')).toBeUndefined();
  });

  it.each([
    [{ layers: { pane_content: { ttlMs: -1 } } }, 'Expected `layers.pane_content.ttlMs` to be an integer >= 1, got `-1` (number)'],
    [{ layers: { pane_content: { ttlMs: 1.5 } } }, '`layers.pane_content.ttlMs`'],
    [{ layers: { mine: { maxEntries: 0 } } }, 'Expected `layers.mine.maxEntries` to be an integer >= 1, got `0` (number)'],
    [{ layers: { config: { maxBytes: Number.NaN } } }, '`layers.config.maxBytes`'],
    [{ layers: { config: { sizeOf: 3 } } }, 'Expected `layers.config.sizeOf` to be a function, got `3` (number)'],
    [{ layers: { config: 'small' } }, 'Expected `layers.config` to be an object'],
    [{ layers: [] }, 'Expected `layers` to be an object'],
    [{ clock: Date.now }, 'Expected `clock` to have a `now()` method'],
  ])('rejects bad options %o', (options, message) => {
    expect(() => new LayeredCache(options as never)).toThrow(InvalidOptionError);
    expect(() => new LayeredCache(options as never)).toThrow(message);
  });

  it('rejects unknown layers, listing the known ones', () => {
    const cache = new LayeredCache();
    expect(() => cache.get('panes', 'a')).toThrow(InvalidArgumentError);
    expect(() => cache.set('panes', 'a', 1)).toThrow(
      'Unknown cache layer "panes"; known layers: pane_content, agent_status, session_info, config',
    );
    expect(() => cache.invalidatePrefix('a', 'panes')).toThrow(InvalidArgumentError);
    expect(() => cache.clearLayer('panes')).toThrow(InvalidArgumentError);
  });

  it('rejects bad set options and undefined values', () => {
    const cache = new LayeredCache();
    expect(() => cache.set('config', 'a', 1, { ttlMs: 0 })).toThrow('Expected `ttlMs` to be an integer >= 1, got `0` (number)');
    expect(() => cache.set('config', 'a', 1, { tags: 'pane:%1' as never })).toThrow(InvalidOptionError);
    expect(() => cache.set('config', 'a', 1, { tags: [1] as never })).toThrow(InvalidOptionError);
    expect(() => cache.set('config', 'a', undefined)).toThrow(InvalidArgumentError);
    expect(cache.peek('config', 'a')).toBeUndefined();
  });
});

describe('LayeredCache get, peek and set', () => {
  it('counts hits and misses on get, not on peek', () => {
    const cache = new LayeredCache();
    expect(cache.get('config', 'a')).toBeUndefined();
    cache.set('config', 'a', { depth: 1 });
    expect(cache.get('config', 'a')).toEqual({ depth: 1 });
    expect(cache.get('config', 'a')).toEqual({ depth: 1 });
    expect(cache.peek('config', 'a')).toEqual({ depth: 1 });
    expect(cache.peek('config', 'b')).toBeUndefined();
    expect(cache.stats().config).toMatchObject({ hits: 2, misses: 1, loads: 0, entries: 1 });
    expect(cache.stats().pane_content).toMatchObject({ hits: 0, misses: 0, entries: 0 });
  });

  it('keeps layers apart', () => {
    const cache = new LayeredCache();
    cache.set('config', 'k', 'config value');
    cache.set('session_info', 'k', 'session value');
    expect(cache.get('config', 'k')).toBe('config value');
    expect(cache.get('session_info', 'k')).toBe('session value');
  });

  it('replaces a value and its size', () => {
    const cache = new LayeredCache();
    cache.set('pane_content', '%1', 'abcd');
    cache.set('pane_content', '%1', 'ab');
    expect(cache.get('pane_content', '%1')).toBe('ab');
    expect(cache.stats().pane_content).toMatchObject({ entries: 1, bytes: 4, evictions: 0 });
  });

  it('restarts the TTL of the very value set again, keeping its tags', () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock });
    const screen = ['line'];
    cache.set('pane_content', '%1', screen, { tags: ['pane:%1'] });
    clock.advance(6_000);
    cache.set('pane_content', '%1', screen, { tags: ['pane:%1'] });
    clock.advance(6_000);
    expect(cache.get('pane_content', '%1')).toBe(screen);
    expect(cache.stats().pane_content).toMatchObject({ entries: 1, evictions: 0 });
    expect(cache.invalidateTag('pane:%1')).toBe(1);
    expect(cache.get('pane_content', '%1')).toBeUndefined();
    // Other tags make a new entry: the old tag no longer reaches it.
    cache.set('pane_content', '%1', screen, { tags: ['pane:%1'] });
    cache.set('pane_content', '%1', screen, { tags: ['other'] });
    expect(cache.invalidateTag('pane:%1')).toBe(0);
    expect(cache.invalidateTag('other')).toBe(1);
  });

  it('expires entries after the layer TTL, counting evictions', () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock });
    cache.set('pane_content', '%1', 'screen');
    cache.set('agent_status', '%1', 'idle');
    clock.advance(10_001);
    expect(cache.get('pane_content', '%1')).toBeUndefined();
    expect(cache.get('agent_status', '%1')).toBe('idle');
    expect(cache.stats().pane_content).toMatchObject({ misses: 1, evictions: 1, entries: 0, bytes: 0 });
    clock.advance(20_000);
    // stats() drops expired entries too.
    expect(cache.stats().agent_status).toMatchObject({ evictions: 1, entries: 0 });
  });

  it('honours a per-entry TTL', () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock });
    cache.set('config', 'short', 1, { ttlMs: 50 });
    cache.set('config', 'long', 2);
    clock.advance(51);
    expect(cache.get('config', 'short')).toBeUndefined();
    expect(cache.get('config', 'long')).toBe(2);
  });

  it('expires on the real clock', async () => {
    const cache = new LayeredCache({ layers: { pane_content: { ttlMs: 30 } } });
    cache.set('pane_content', '%1', 'screen');
    expect(cache.get('pane_content', '%1')).toBe('screen');
    await retryUntil(() => cache.get('pane_content', '%1') === undefined, { timeoutMs: 2_000 });
    expect(cache.stats().pane_content?.evictions).toBe(1);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new LayeredCache({ layers: { config: { maxEntries: 2 } } });
    cache.set('config', 'a', 1);
    cache.set('config', 'b', 2);
    cache.get('config', 'a');
    cache.set('config', 'c', 3);
    expect(cache.peek('config', 'b')).toBeUndefined();
    expect(cache.peek('config', 'a')).toBe(1);
    expect(cache.peek('config', 'c')).toBe(3);
    expect(cache.stats().config).toMatchObject({ evictions: 1, entries: 2 });
  });

  it('peek does not make an entry recent', () => {
    const cache = new LayeredCache({ layers: { config: { maxEntries: 2 } } });
    cache.set('config', 'a', 1);
    cache.set('config', 'b', 2);
    cache.peek('config', 'a');
    cache.set('config', 'c', 3);
    expect(cache.peek('config', 'a')).toBeUndefined();
  });

  it('evicts by bytes and does not keep a value larger than the layer', () => {
    const cache = new LayeredCache({ layers: { pane_content: { maxBytes: 100 } } });
    cache.set('pane_content', 'a', 'x'.repeat(20)); // 40 bytes
    cache.set('pane_content', 'b', 'y'.repeat(20));
    expect(cache.stats().pane_content).toMatchObject({ entries: 2, bytes: 80 });
    cache.set('pane_content', 'c', 'z'.repeat(20));
    expect(cache.peek('pane_content', 'a')).toBeUndefined();
    expect(cache.stats().pane_content).toMatchObject({ entries: 2, bytes: 80, evictions: 1 });
    cache.set('pane_content', 'b', 'w'.repeat(51)); // 102 bytes: too large, and 'b' is gone too
    expect(cache.peek('pane_content', 'b')).toBeUndefined();
    expect(cache.stats().pane_content).toMatchObject({ entries: 1, bytes: 40, evictions: 2 });
  });

  it('measures with a custom sizeOf and rejects bad sizes', () => {
    const cache = new LayeredCache({
      layers: { config: { maxBytes: 10, sizeOf: (value) => (typeof value === 'number' ? value : -1) } },
    });
    cache.set('config', 'a', 4);
    cache.set('config', 'b', 6);
    expect(cache.stats().config).toMatchObject({ entries: 2, bytes: 10 });
    expect(() => cache.set('config', 'c', 'text')).toThrow('Expected `layers.config.sizeOf` to return a number >= 0, got `-1` (number)');
  });
});

describe('LayeredCache diagnostics', () => {
  it('publishes invalidations at once, and the lookups and evictions of one synchronous run together', async () => {
    const cache = new LayeredCache({ layers: { diag: { maxEntries: 1 } } });
    const recorder = recordCacheMessages();
    try {
      cache.get('diag', 'a');
      cache.set('diag', 'a', 1, { tags: ['t'] });
      cache.get('diag', 'a');
      cache.get('diag', 'a');
      cache.set('diag', 'b', 2, { tags: ['t'] });
      cache.invalidateTag('t');
      expect(recorder.messages.filter((message) => message.layer === 'diag')).toEqual([{ layer: 'diag', event: 'invalidation', count: 1 }]);
      await Promise.resolve();
    } finally {
      recorder.stop();
    }
    expect(recorder.messages.filter((message) => message.layer === 'diag')).toEqual([
      { layer: 'diag', event: 'invalidation', count: 1 },
      { layer: 'diag', event: 'hit', count: 2 },
      { layer: 'diag', event: 'miss', count: 1 },
      { layer: 'diag', event: 'eviction', count: 1 },
    ]);
  });
});
