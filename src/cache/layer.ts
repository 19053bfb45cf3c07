/**
 * One layer of a `LayeredCache`: an LRU with TTL, entry and byte limits, its
 * loads under way, and its counters.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import { DIAGNOSTICS_CHANNELS, publish } from '../diagnostics.js';
import { InvalidOptionError } from '../errors.js';
import { describeValue } from '../util/options.js';
import type { ResolvedLayerOptions } from './options.js';
import { sameStrings } from '../util/arrays.js';

/** A cached value and what invalidates it. @internal */
export interface CacheEntry {
  readonly layer: CacheLayer;
  readonly key: string;
  readonly value: unknown;
  readonly tags: readonly string[];
  /** As counted against the layer's `maxBytes`. */
  readonly size: number;
}

/** A load under way. Once superseded (by an invalidation or a `set`) its result is not stored. @internal */
export interface Flight {
  readonly promise: Promise<unknown>;
  readonly tags: readonly string[];
  superseded: boolean;
}

/** Counters of one layer, and what it holds. */
export interface CacheLayerStats {
  /** Lookups (`get`, `load`) answered from the cache. */
  readonly hits: number;
  /** Lookups not answered from the cache, except those that joined a load under way. */
  readonly misses: number;
  /** Loaders called. */
  readonly loads: number;
  /** `load` calls that joined a load under way instead of calling their loader. */
  readonly dedupedLoads: number;
  /** Entries dropped for room (entries or bytes) or because they expired, and values too large to keep. */
  readonly evictions: number;
  /** Entries dropped by `invalidate*` and `clear*`. */
  readonly invalidations: number;
  /** Entries held. */
  readonly entries: number;
  /** Bytes held, as the layer's `sizeOf` counts them. */
  readonly bytes: number;
}

const COUNTED_EVENTS = ['hit', 'miss', 'dedupe', 'eviction'] as const;
type CountedEvent = (typeof COUNTED_EVENTS)[number];

/** @internal */
export class CacheLayer {
  readonly name: string;
  /** Loads under way, by key. A superseded load leaves this map at once. */
  readonly flights = new Map<string, Flight>();
  hits = 0;
  misses = 0;
  loads = 0;
  dedupedLoads = 0;
  evictions = 0;
  invalidations = 0;

  readonly #lru: LRUCache<string, CacheEntry>;
  readonly #options: ResolvedLayerOptions;
  /** Counted and not published yet: published together once the current task's synchronous work is done. */
  readonly #unpublished: Record<CountedEvent, number> = { hit: 0, miss: 0, dedupe: 0, eviction: 0 };
  #publishQueued = false;

  /** `removed` hears of every entry leaving the layer, whatever the reason. */
  constructor(name: string, options: ResolvedLayerOptions, clock: { readonly now: () => number } | undefined, removed: (entry: CacheEntry) => void) {
    this.name = name;
    this.#options = options;
    this.#lru = new LRUCache<string, CacheEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      ttl: options.ttlMs,
      // lru-cache reads a real clock at most once a millisecond; an injected one every time.
      ...(clock === undefined ? {} : { perf: clock, ttlResolution: 0 }),
      dispose: (entry, _key, reason) => {
        removed(entry);
        if (reason === 'evict' || reason === 'expire') this.#count('eviction');
      },
    });
  }

  /** The counters, and what the layer holds once expired entries are dropped. */
  stats(): CacheLayerStats {
    this.#lru.purgeStale();
    const { hits, misses, loads, dedupedLoads, evictions, invalidations } = this;
    return { hits, misses, loads, dedupedLoads, evictions, invalidations, entries: this.#lru.size, bytes: this.#lru.calculatedSize };
  }

  /**
   * Counts a hit, a miss, a de-duplicated load or an eviction, and publishes
   * it in a batch: a monitor cycle's hundreds of lookups make one message.
   */
  #count(event: CountedEvent): void {
    if (event === 'hit') this.hits++;
    else if (event === 'miss') this.misses++;
    else if (event === 'dedupe') this.dedupedLoads++;
    else this.evictions++;
    this.#unpublished[event]++;
    if (this.#publishQueued) return;
    this.#publishQueued = true;
    queueMicrotask(() => this.#publishCounts());
  }

  #publishCounts(): void {
    this.#publishQueued = false;
    for (const event of COUNTED_EVENTS) {
      const count = this.#unpublished[event];
      if (count === 0) continue;
      this.#unpublished[event] = 0;
      publish(DIAGNOSTICS_CHANNELS.cache, () => ({ layer: this.name, event, count }));
    }
  }

  /** The fresh entry under `key` (made most recent), counting a hit or, unless `quiet`, a miss. */
  lookup(key: string, quiet = false): CacheEntry | undefined {
    const entry = this.#lru.get(key);
    if (entry !== undefined) this.#count('hit');
    else if (!quiet) this.#count('miss');
    return entry;
  }

  /** Counts a miss that started a load. */
  missed(): void {
    this.loads++;
    this.#count('miss');
  }

  /** Counts a miss that joined a load under way. */
  joined(): void {
    this.#count('dedupe');
  }

  /** The fresh entry under `key`, with no counting and no change of recency. */
  peek(key: string): CacheEntry | undefined {
    return this.#lru.peek(key);
  }

  /**
   * Keeps `value`; returns the entry, or `undefined` when the value is larger
   * than the whole layer. Storing again the very value an entry holds, with
   * the same tags, keeps that entry (made recent, its TTL restarted).
   */
  store(key: string, value: unknown, tags: readonly string[], ttlMs: number | undefined): CacheEntry | undefined {
    const current = this.#lru.peek(key);
    const entry: CacheEntry =
      current !== undefined && current.value === value && sameStrings(current.tags, tags)
        ? current
        : { layer: this, key, value, tags, size: this.#sizeOf(value) };
    const { size } = entry;
    // Too large a value is not kept, and the entry it replaces goes too.
    this.#lru.set(key, entry, ttlMs === undefined ? { size } : { size, ttl: ttlMs });
    if (size <= this.#options.maxBytes) return entry;
    this.#count('eviction');
    return undefined;
  }

  /** Drops the fresh entry under `key`; `false` when there was none. Not counted: see {@link CacheLayer.invalidated}. */
  drop(key: string): boolean {
    return this.#lru.has(key) && this.#lru.delete(key);
  }

  /** Fresh keys, most recent first. */
  keys(): IterableIterator<string> {
    return this.#lru.keys();
  }

  /** Drops every entry; returns how many were fresh (expired ones count as evictions). Not counted. */
  dropAll(): number {
    this.#lru.purgeStale();
    const count = this.#lru.size;
    this.#lru.clear();
    return count;
  }

  /** Counts and publishes `count` invalidated entries. */
  invalidated(count: number): void {
    if (count === 0) return;
    this.invalidations += count;
    publish(DIAGNOSTICS_CHANNELS.cache, () => ({ layer: this.name, event: 'invalidation', count }));
  }

  /** Marks the load under way for `key`, if any, as superseded. */
  supersede(key: string): void {
    const flight = this.flights.get(key);
    if (flight === undefined) return;
    flight.superseded = true;
    this.flights.delete(key);
  }

  /** Marks the loads under way that pass `test` (all when unset) as superseded. */
  supersedeWhere(test?: (key: string, flight: Flight) => boolean): void {
    for (const [key, flight] of this.flights) {
      if (test === undefined || test(key, flight)) this.supersede(key);
    }
  }

  #sizeOf(value: unknown): number {
    const size = this.#options.sizeOf(value);
    if (typeof size !== 'number' || !(size >= 0) || size === Number.POSITIVE_INFINITY) {
      throw new InvalidOptionError(`Expected \`layers.${this.name}.sizeOf\` to return a number >= 0, got ${describeValue(size)}`);
    }
    // lru-cache counts whole, positive sizes.
    return Math.max(1, Math.ceil(size));
  }
}
