import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredCache } from '../../src/cache/layered-cache.js';
import { deferred, type Deferred } from './helpers.js';

const LAYERS = ['pane_content', 'agent_status', 'config'] as const;
const KEYS = ['a', 'ab', 'b', '%1'] as const;
const TAGS = ['t1', 't2', 't3'] as const;

type Operation =
  | { op: 'set'; layer: string; key: string; value: number; tags: string[] }
  | { op: 'get' | 'peek' | 'invalidate'; layer: string; key: string }
  | { op: 'invalidateTag'; tag: string }
  | { op: 'invalidatePrefix'; prefix: string; layer: string | undefined }
  | { op: 'clearLayer'; layer: string };

const layer = fc.constantFrom(...LAYERS);
const key = fc.constantFrom(...KEYS);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), layer, key, value: fc.integer(), tags: fc.subarray([...TAGS]) }),
  fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'invalidate' as const), layer, key }),
  fc.record({ op: fc.constant('invalidateTag' as const), tag: fc.constantFrom(...TAGS) }),
  fc.record({ op: fc.constant('invalidatePrefix' as const), prefix: fc.constantFrom('', 'a', 'b', '%', '%1'), layer: fc.option(layer, { nil: undefined }) }),
  fc.record({ op: fc.constant('clearLayer' as const), layer }),
);

interface ModelEntry {
  readonly value: number;
  readonly tags: readonly string[];
}

/** What the cache must hold when nothing expires or is evicted: one Map per layer. */
class Model {
  readonly layers = new Map<string, Map<string, ModelEntry>>(LAYERS.map((name) => [name, new Map()]));
  readonly counts = new Map<string, { hits: number; misses: number; invalidations: number }>(
    LAYERS.map((name) => [name, { hits: 0, misses: 0, invalidations: 0 }]),
  );

  #layer(name: string): Map<string, ModelEntry> {
    return this.layers.get(name) as Map<string, ModelEntry>;
  }

  #count(name: string): { hits: number; misses: number; invalidations: number } {
    return this.counts.get(name) as { hits: number; misses: number; invalidations: number };
  }

  apply(operation: Operation): unknown {
    switch (operation.op) {
      case 'set':
        this.#layer(operation.layer).set(operation.key, { value: operation.value, tags: operation.tags });
        return undefined;
      case 'get': {
        const entry = this.#layer(operation.layer).get(operation.key);
        if (entry === undefined) this.#count(operation.layer).misses++;
        else this.#count(operation.layer).hits++;
        return entry?.value;
      }
      case 'peek':
        return this.#layer(operation.layer).get(operation.key)?.value;
      case 'invalidate':
        return this.#drop(operation.layer, (key) => key === operation.key) === 1;
      case 'invalidateTag':
        return this.#dropEverywhere(LAYERS, (_key, entry) => entry.tags.includes(operation.tag));
      case 'invalidatePrefix':
        return this.#dropEverywhere(operation.layer === undefined ? LAYERS : [operation.layer], (key) => key.startsWith(operation.prefix));
      case 'clearLayer':
        return this.#drop(operation.layer, () => true);
    }
  }

  #dropEverywhere(layers: readonly string[], test: (key: string, entry: ModelEntry) => boolean): number {
    return layers.reduce((total, name) => total + this.#drop(name, test), 0);
  }

  #drop(name: string, test: (key: string, entry: ModelEntry) => boolean): number {
    let count = 0;
    for (const [key, entry] of this.#layer(name)) {
      if (!test(key, entry)) continue;
      this.#layer(name).delete(key);
      count++;
    }
    this.#count(name).invalidations += count;
    return count;
  }
}

function run(cache: LayeredCache, operation: Operation): unknown {
  switch (operation.op) {
    case 'set':
      return cache.set(operation.layer, operation.key, operation.value, { tags: operation.tags });
    case 'get':
      return cache.get(operation.layer, operation.key);
    case 'peek':
      return cache.peek(operation.layer, operation.key);
    case 'invalidate':
      return cache.invalidate(operation.layer, operation.key);
    case 'invalidateTag':
      return cache.invalidateTag(operation.tag);
    case 'invalidatePrefix':
      return cache.invalidatePrefix(operation.prefix, operation.layer);
    case 'clearLayer':
      return cache.clearLayer(operation.layer);
  }
}

describe('LayeredCache properties', () => {
  it('behaves like a Map per layer when nothing expires or is evicted', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60, size: 'max' }), (operations) => {
        const cache = new LayeredCache();
        const model = new Model();
        for (const step of operations) expect(run(cache, step), JSON.stringify(step)).toEqual(model.apply(step));
        const stats = cache.stats();
        for (const name of LAYERS) {
          expect(stats[name]).toMatchObject({ ...model.counts.get(name), entries: model.layers.get(name)?.size, evictions: 0 });
        }
      }),
    );
  });

  it('keeps within its limits and counts exactly the bytes it holds', () => {
    const limits = { maxEntries: 4, maxBytes: 60 };
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.string({ maxLength: 20 })), { maxLength: 40, size: 'max' }), (writes) => {
        const cache = new LayeredCache({ layers: { pane_content: limits } });
        for (const [name, text] of writes) {
          cache.set('pane_content', name, text);
          const fits = Math.max(1, text.length * 2) <= limits.maxBytes;
          expect(cache.peek('pane_content', name)).toBe(fits ? text : undefined);
          const stats = cache.stats().pane_content;
          const held = KEYS.map((k) => cache.peek<string>('pane_content', k)).filter((value) => value !== undefined);
          expect(stats?.entries).toBe(held.length);
          expect(stats?.bytes).toBe(held.reduce((sum, value) => sum + Math.max(1, value.length * 2), 0));
          expect(stats?.entries).toBeLessThanOrEqual(limits.maxEntries);
          expect(stats?.bytes).toBeLessThanOrEqual(limits.maxBytes);
        }
      }),
    );
  });

  it('never holds the result of a load started before the last invalidation of its key', async () => {
    type Step = { op: 'load' } | { op: 'settle'; index: number; fail: boolean } | { op: 'invalidate' | 'invalidateTag' | 'get' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constant({ op: 'load' as const }),
      fc.record({ op: fc.constant('settle' as const), index: fc.nat(), fail: fc.boolean() }),
      fc.constantFrom({ op: 'invalidate' as const }, { op: 'invalidateTag' as const }, { op: 'get' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40, size: 'max' }), async (steps) => {
        const cache = new LayeredCache();
        const loaders: { id: number; startedAt: number; gate: Deferred<number>; settled?: Promise<unknown> }[] = [];
        let invalidatedAt = -1;
        for (const [at, current] of steps.entries()) {
          if (current.op === 'load') {
            const started = loaders.length;
            const caller = cache.load(
              'pane_content',
              '%1',
              () => {
                const gate = deferred<number>();
                loaders.push({ id: loaders.length, startedAt: at, gate });
                return gate.promise;
              },
              { tags: ['pane:%1'] },
            );
            const settled = caller.catch(() => undefined);
            const loader = loaders[started];
            if (loader !== undefined) loader.settled = settled;
          } else if (current.op === 'settle' && loaders.length > 0) {
            const loader = loaders[current.index % loaders.length];
            if (current.fail) loader?.gate.reject(new Error('failed'));
            else loader?.gate.resolve(loader.id);
            // The caller's promise settles once the result is stored (or not).
            await loader?.settled;
          } else if (current.op === 'invalidate') {
            cache.invalidate('pane_content', '%1');
            invalidatedAt = at;
          } else if (current.op === 'invalidateTag') {
            cache.invalidateTag('pane:%1');
            invalidatedAt = at;
          } else {
            cache.get('pane_content', '%1');
          }
          const held = cache.peek<number>('pane_content', '%1');
          if (held !== undefined) expect(loaders[held]?.startedAt).toBeGreaterThan(invalidatedAt);
          expect(cache.stats().pane_content?.loads).toBe(loaders.length);
        }
      }),
    );
  });
});
