import { describe, expect, it } from 'vitest';
import { LayeredCache } from '../../src/cache/layered-cache.js';
import { paneTag } from '../../src/cache/tags.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { ManualClock, recordCacheMessages } from './helpers.js';

function filled(): LayeredCache {
  const cache = new LayeredCache();
  for (const pane of ['%1', '%2', '%10']) {
    cache.set('pane_content', pane, `screen of ${pane}`, { tags: [paneTag(pane)] });
    cache.set('agent_status', pane, 'idle', { tags: [paneTag(pane)] });
  }
  cache.set('session_info', 'sessions', ['work']);
  cache.set('config', 'theme', 'dark');
  return cache;
}

describe('LayeredCache.invalidate', () => {
  it('drops one entry and says whether there was one', () => {
    const cache = filled();
    expect(cache.invalidate('pane_content', '%1')).toBe(true);
    expect(cache.invalidate('pane_content', '%1')).toBe(false);
    expect(cache.peek('pane_content', '%1')).toBeUndefined();
    expect(cache.peek('agent_status', '%1')).toBe('idle');
    expect(cache.stats().pane_content).toMatchObject({ invalidations: 1, entries: 2 });
  });

  it('leaves an expired entry to count as an eviction', () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock });
    cache.set('pane_content', '%1', 'screen');
    clock.advance(10_001);
    expect(cache.invalidate('pane_content', '%1')).toBe(false);
    expect(cache.stats().pane_content).toMatchObject({ invalidations: 0, evictions: 1, entries: 0 });
  });
});

describe('LayeredCache.invalidateTag', () => {
  it('drops the tagged entries of every layer', () => {
    const cache = filled();
    expect(cache.invalidateTag(paneTag('%1'))).toBe(2);
    expect(cache.peek('pane_content', '%1')).toBeUndefined();
    expect(cache.peek('agent_status', '%1')).toBeUndefined();
    expect(cache.peek('pane_content', '%10')).toBe('screen of %10');
    expect(cache.invalidateTag(paneTag('%1'))).toBe(0);
    expect(cache.invalidateTag('no such tag')).toBe(0);
    const stats = cache.stats();
    expect(stats.pane_content).toMatchObject({ invalidations: 1, entries: 2 });
    expect(stats.agent_status).toMatchObject({ invalidations: 1, entries: 2 });
  });

  it('follows an entry through replacement: the old tags no longer reach it', () => {
    const cache = new LayeredCache();
    cache.set('pane_content', 'k', 'old', { tags: ['a', 'b'] });
    cache.set('pane_content', 'k', 'new', { tags: ['b'] });
    expect(cache.invalidateTag('a')).toBe(0);
    expect(cache.peek('pane_content', 'k')).toBe('new');
    expect(cache.invalidateTag('b')).toBe(1);
  });

  it('forgets evicted entries', () => {
    const cache = new LayeredCache({ layers: { config: { maxEntries: 1 } } });
    cache.set('config', 'a', 1, { tags: ['t'] });
    cache.set('config', 'b', 2);
    expect(cache.invalidateTag('t')).toBe(0);
    expect(cache.peek('config', 'b')).toBe(2);
  });

  it('publishes one message per layer with the count', () => {
    const cache = filled();
    cache.set('pane_content', 'extra', 'x', { tags: [paneTag('%2')] });
    const recorder = recordCacheMessages();
    try {
      cache.invalidateTag(paneTag('%2'));
    } finally {
      recorder.stop();
    }
    expect(recorder.messages).toEqual(
      expect.arrayContaining([
        { layer: 'pane_content', event: 'invalidation', count: 2 },
        { layer: 'agent_status', event: 'invalidation', count: 1 },
      ]),
    );
  });
});

describe('LayeredCache.invalidatePrefix', () => {
  it('drops keys by prefix in all layers or in one', () => {
    const cache = filled();
    expect(cache.invalidatePrefix('%1', 'pane_content')).toBe(2);
    expect(cache.peek('pane_content', '%2')).toBe('screen of %2');
    expect(cache.peek('agent_status', '%10')).toBe('idle');
    expect(cache.invalidatePrefix('%')).toBe(4);
    expect(cache.peek('agent_status', '%2')).toBeUndefined();
    expect(cache.peek('config', 'theme')).toBe('dark');
    expect(cache.stats().agent_status).toMatchObject({ invalidations: 3, entries: 0 });
  });

  it('rejects a prefix that is not a string', () => {
    expect(() => new LayeredCache().invalidatePrefix(1 as never)).toThrow(InvalidArgumentError);
  });
});

describe('LayeredCache.clearLayer and clear', () => {
  it('clears one layer', () => {
    const cache = filled();
    expect(cache.clearLayer('agent_status')).toBe(3);
    expect(cache.clearLayer('agent_status')).toBe(0);
    expect(cache.peek('pane_content', '%1')).toBe('screen of %1');
    expect(cache.stats().agent_status).toMatchObject({ invalidations: 3, entries: 0, bytes: 0 });
    // Tags of cleared entries no longer count.
    expect(cache.invalidateTag(paneTag('%1'))).toBe(1);
  });

  it('clears every layer', () => {
    const cache = filled();
    cache.clear();
    for (const [layer, stats] of Object.entries(cache.stats())) {
      expect(stats.entries, layer).toBe(0);
    }
    expect(cache.stats().pane_content?.invalidations).toBe(3);
    expect(cache.stats().config?.invalidations).toBe(1);
  });
});
