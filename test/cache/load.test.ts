import { describe, expect, it, vi } from 'vitest';
import { LayeredCache } from '../../src/cache/layered-cache.js';
import { paneTag } from '../../src/cache/tags.js';
import { deferred, ManualClock, recordCacheMessages } from './helpers.js';

describe('LayeredCache.load', () => {
  it('loads once on a miss and answers from the cache after', async () => {
    const cache = new LayeredCache();
    const loader = vi.fn(async () => ['line 1', 'line 2']);
    expect(await cache.load('pane_content', '%1', loader)).toEqual(['line 1', 'line 2']);
    expect(await cache.load('pane_content', '%1', loader)).toEqual(['line 1', 'line 2']);
    expect(cache.get('pane_content', '%1')).toEqual(['line 1', 'line 2']);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats().pane_content).toMatchObject({ hits: 2, misses: 1, loads: 1, dedupedLoads: 0, entries: 1, bytes: 24 });
  });

  it('shares one loader call among concurrent loads of a key', async () => {
    const cache = new LayeredCache();
    const gate = deferred<string>();
    const loader = vi.fn(() => gate.promise);
    const callers = Array.from({ length: 5 }, () => cache.load('agent_status', '%1', loader));
    const other = cache.load('agent_status', '%2', async () => 'working');
    expect(loader).toHaveBeenCalledTimes(1);
    gate.resolve('idle');
    expect(await Promise.all(callers)).toEqual(['idle', 'idle', 'idle', 'idle', 'idle']);
    expect(await other).toBe('working');
    expect(cache.stats().agent_status).toMatchObject({ misses: 2, loads: 2, dedupedLoads: 4, hits: 0, entries: 2 });
  });

  it('publishes a miss for the load that runs and a dedupe for those that join it', async () => {
    const cache = new LayeredCache({ layers: { flight: {} } });
    const gate = deferred<number>();
    const recorder = recordCacheMessages();
    try {
      const callers = [cache.load('flight', 'k', () => gate.promise), cache.load('flight', 'k', () => gate.promise)];
      gate.resolve(1);
      await Promise.all(callers);
      await cache.load('flight', 'k', () => gate.promise);
    } finally {
      recorder.stop();
    }
    expect(recorder.messages.filter((message) => message.layer === 'flight').map((message) => message.event)).toEqual([
      'miss',
      'dedupe',
      'hit',
    ]);
  });

  it('rejects every caller of a failed load and caches nothing', async () => {
    const cache = new LayeredCache();
    const gate = deferred<string>();
    const callers = [cache.load('config', 'k', () => gate.promise), cache.load('config', 'k', () => gate.promise)];
    gate.reject(new Error('tmux went away'));
    for (const caller of callers) await expect(caller).rejects.toThrow('tmux went away');
    expect(cache.peek('config', 'k')).toBeUndefined();
    // The next load runs its loader again.
    expect(await cache.load('config', 'k', async () => 'second try')).toBe('second try');
    expect(cache.stats().config).toMatchObject({ loads: 2, dedupedLoads: 1, entries: 1 });
  });

  it('turns a loader that throws synchronously into a rejection', async () => {
    const cache = new LayeredCache();
    const loader = (): Promise<string> => {
      throw new Error('bad target');
    };
    await expect(cache.load('config', 'k', loader)).rejects.toThrow('bad target');
    expect(await cache.load('config', 'k', async () => 'ok')).toBe('ok');
  });

  it('returns but does not cache undefined', async () => {
    const cache = new LayeredCache();
    expect(await cache.load('config', 'k', async () => undefined)).toBeUndefined();
    expect(cache.stats().config?.entries).toBe(0);
  });

  it('stores with the tags and TTL of the load', async () => {
    const clock = new ManualClock();
    const cache = new LayeredCache({ clock });
    await cache.load('pane_content', '%3', async () => 'screen', { tags: [paneTag('%3')], ttlMs: 100 });
    expect(cache.invalidateTag(paneTag('%3'))).toBe(1);
    await cache.load('pane_content', '%3', async () => 'screen', { ttlMs: 100 });
    clock.advance(101);
    expect(cache.peek('pane_content', '%3')).toBeUndefined();
  });
});

describe('LayeredCache loads and invalidation', () => {
  it.each([
    ['invalidate', (cache: LayeredCache) => cache.invalidate('pane_content', '%1')],
    ['invalidateTag', (cache: LayeredCache) => cache.invalidateTag(paneTag('%1'))],
    ['invalidatePrefix', (cache: LayeredCache) => cache.invalidatePrefix('%')],
    ['invalidatePrefix in the layer', (cache: LayeredCache) => cache.invalidatePrefix('%1', 'pane_content')],
    ['clearLayer', (cache: LayeredCache) => cache.clearLayer('pane_content')],
    ['clear', (cache: LayeredCache) => cache.clear()],
  ])('%s during a load keeps the stale result out of the cache', async (_name, invalidate) => {
    const cache = new LayeredCache();
    const stale = deferred<string>();
    const first = cache.load('pane_content', '%1', () => stale.promise, { tags: [paneTag('%1')] });
    invalidate(cache);
    // A load after the invalidation does not join the stale one.
    const fresh = deferred<string>();
    const second = cache.load('pane_content', '%1', () => fresh.promise, { tags: [paneTag('%1')] });
    stale.resolve('before output');
    expect(await first).toBe('before output');
    expect(cache.peek('pane_content', '%1')).not.toBe('before output');
    fresh.resolve('after output');
    expect(await second).toBe('after output');
    expect(cache.peek('pane_content', '%1')).toBe('after output');
    expect(cache.stats().pane_content).toMatchObject({ loads: 2, dedupedLoads: 0 });
  });

  it('does not let a load overwrite a value set while it ran', async () => {
    const cache = new LayeredCache();
    const gate = deferred<string>();
    const load = cache.load('pane_content', '%1', () => gate.promise);
    cache.set('pane_content', '%1', 'newer');
    gate.resolve('older');
    expect(await load).toBe('older');
    expect(cache.get('pane_content', '%1')).toBe('newer');
  });

  it('stores a load whose key was not the one invalidated', async () => {
    const cache = new LayeredCache();
    const gate = deferred<string>();
    const load = cache.load('pane_content', '%2', () => gate.promise, { tags: [paneTag('%2')] });
    cache.invalidate('pane_content', '%1');
    cache.invalidateTag(paneTag('%1'));
    cache.invalidatePrefix('%1');
    cache.clearLayer('agent_status');
    gate.resolve('screen');
    await load;
    expect(cache.peek('pane_content', '%2')).toBe('screen');
  });

  it('lets callers that joined before the invalidation share the stale result', async () => {
    const cache = new LayeredCache();
    const gate = deferred<string>();
    const loader = vi.fn(() => gate.promise);
    const first = cache.load('pane_content', '%1', loader);
    const joined = cache.load('pane_content', '%1', loader);
    cache.invalidate('pane_content', '%1');
    gate.resolve('screen');
    expect(await Promise.all([first, joined])).toEqual(['screen', 'screen']);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.peek('pane_content', '%1')).toBeUndefined();
  });
});
