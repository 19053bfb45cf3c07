/**
 * `LayeredCache`: named LRU layers with TTLs and size limits, single-flight
 * loads, and invalidation by key, prefix or tag.
 *
 * @module
 */
import { InvalidArgumentError, InvalidOptionError } from '../errors.js';
import { describeValue, integerAtLeast } from '../util/options.js';
import { CacheLayer, type CacheEntry, type CacheLayerStats } from './layer.js';
import { resolveLayers, type LayeredCacheOptions } from './options.js';

export { DEFAULT_CACHE_LAYERS } from './options.js';
export type { CacheLayerOptions, DefaultCacheLayer, LayeredCacheOptions } from './options.js';
export type { CacheLayerStats } from './layer.js';

/** Options of {@link LayeredCache.set} and {@link LayeredCache.load}. */
export interface CacheSetOptions {
  /**
   * Tags for {@link LayeredCache.invalidateTag}, e.g. `paneTag('%5')`.
   * @default []
   */
  readonly tags?: readonly string[];
  /**
   * This entry's time to live in milliseconds (an integer).
   * @default the layer's `ttlMs`
   */
  readonly ttlMs?: number;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Named cache layers (`pane_content`, `agent_status`, `session_info`,
 * `config`, and any you declare), each an LRU with a TTL, an entry limit and
 * a byte limit.
 *
 * Concurrent `load` calls for one key share one loader call. An invalidation
 * (or a `set`) while a load is under way keeps that load's result out of the
 * cache, though its callers still get it: a pane's cached content is never
 * older than its last output when `output` invalidates the pane's tag (see
 * `invalidateOnTmuxEvents`). `undefined` is never cached.
 *
 * Every hit, miss, de-duplicated load, eviction and invalidation is published
 * on `DIAGNOSTICS_CHANNELS.cache`.
 *
 * @example
 * const cache = new LayeredCache({ layers: { pane_content: { ttlMs: 5_000 } } });
 * const stop = invalidateOnTmuxEvents(cache, client);
 * const screen = await cache.load('pane_content', paneId, () => client.capturePane(paneId), {
 *   tags: [paneTag(paneId)],
 * });
 * cache.stats().pane_content; // { hits, misses, loads, dedupedLoads, evictions, invalidations, entries, bytes }
 * stop();
 */
export class LayeredCache {
  /** The layer names, default layers first. */
  readonly layers: readonly string[];
  readonly #layers = new Map<string, CacheLayer>();
  /** Fresh (or expired but not yet dropped) entries by tag. */
  readonly #tagged = new Map<string, Set<CacheEntry>>();
  readonly #untag = (entry: CacheEntry): void => {
    for (const tag of entry.tags) {
      const entries = this.#tagged.get(tag);
      if (entries?.delete(entry) === true && entries.size === 0) this.#tagged.delete(tag);
    }
  };

  /** @throws `InvalidOptionError` for a bad limit, `sizeOf` or `clock`. */
  constructor(options: LayeredCacheOptions = {}) {
    const clock: unknown = options.clock;
    if (clock !== undefined && typeof (clock as { now?: unknown } | null)?.now !== 'function') {
      throw new InvalidOptionError(`Expected \`clock\` to have a \`now()\` method, got ${describeValue(clock)}`);
    }
    for (const [name, layer] of resolveLayers(options)) {
      this.#layers.set(name, new CacheLayer(name, layer, options.clock, this.#untag));
    }
    this.layers = Object.freeze([...this.#layers.keys()]);
  }

  /** The fresh value under `key`, counting a hit or a miss. */
  get<V>(layer: string, key: string): V | undefined {
    return this.#layer(layer).lookup(key)?.value as V | undefined;
  }

  /** The fresh value under `key`, without counting it or making it recent. */
  peek<V>(layer: string, key: string): V | undefined {
    return this.#layer(layer).peek(key)?.value as V | undefined;
  }

  /**
   * Caches `value`; a load of this key under way will not overwrite it. A value
   * larger than the layer's `maxBytes` is not kept (and counts as an eviction).
   *
   * @throws `InvalidArgumentError` for an unknown layer or an `undefined` value; `InvalidOptionError` for bad options.
   */
  set<V>(layer: string, key: string, value: V, options: CacheSetOptions = {}): void {
    const target = this.#layer(layer);
    if (value === undefined) throw new InvalidArgumentError(`Expected a value to cache under \`${key}\`, got \`undefined\``);
    const tags = checkTags(options.tags);
    const ttlMs = checkTtl(options.ttlMs);
    target.supersede(key);
    this.#store(target, key, value, tags, ttlMs);
  }

  /**
   * The fresh value under `key`, or the result of `loader`, which is cached
   * (unless it is `undefined`). Concurrent calls for one key share one loader
   * call, and the first call's options. A failed load is not cached and
   * rejects every caller. The result is not cached when the key, a tag of the
   * load or its layer is invalidated (or the key set) before it arrives.
   */
  load<V>(layer: string, key: string, loader: () => Promise<V>, options: CacheSetOptions = {}): Promise<V> {
    const target = this.#layer(layer);
    const tags = checkTags(options.tags);
    const ttlMs = checkTtl(options.ttlMs);
    const entry = target.lookup(key, true);
    if (entry !== undefined) return Promise.resolve(entry.value as V);
    const running = target.flights.get(key);
    if (running !== undefined) {
      target.joined();
      return running.promise as Promise<V>;
    }
    target.missed();
    let started: Promise<V>;
    try {
      started = Promise.resolve(loader());
    } catch (error) {
      started = Promise.reject(error as Error);
    }
    const flight = {
      tags,
      superseded: false,
      promise: started.then(
        (value) => {
          this.#land(target, key, flight);
          if (!flight.superseded && value !== undefined) this.#store(target, key, value, tags, ttlMs);
          return value;
        },
        (error: unknown) => {
          this.#land(target, key, flight);
          throw error;
        },
      ),
    };
    target.flights.set(key, flight);
    return flight.promise;
  }

  /** Drops one entry and supersedes its load under way; `true` when a fresh entry was dropped. */
  invalidate(layer: string, key: string): boolean {
    const target = this.#layer(layer);
    target.supersede(key);
    const dropped = target.drop(key);
    target.invalidated(dropped ? 1 : 0);
    return dropped;
  }

  /** Drops the entries (and supersedes the loads) whose key starts with `prefix`, in one layer or all; returns how many entries. */
  invalidatePrefix(prefix: string, layer?: string): number {
    if (typeof prefix !== 'string') throw new InvalidArgumentError(`Expected \`prefix\` to be a string, got ${describeValue(prefix)}`);
    const targets = layer === undefined ? [...this.#layers.values()] : [this.#layer(layer)];
    let total = 0;
    for (const target of targets) {
      target.supersedeWhere((key) => key.startsWith(prefix));
      let count = 0;
      for (const key of [...target.keys()]) {
        if (key.startsWith(prefix) && target.drop(key)) count++;
      }
      target.invalidated(count);
      total += count;
    }
    return total;
  }

  /** Drops the entries tagged `tag` in every layer, and supersedes the loads under way carrying it; returns how many entries. */
  invalidateTag(tag: string): number {
    for (const target of this.#layers.values()) {
      if (target.flights.size > 0) target.supersedeWhere((_key, flight) => flight.tags.includes(tag));
    }
    const entries = this.#tagged.get(tag);
    if (entries === undefined) return 0;
    this.#tagged.delete(tag);
    const counts = new Map<CacheLayer, number>();
    for (const entry of entries) {
      if (entry.layer.drop(entry.key)) counts.set(entry.layer, (counts.get(entry.layer) ?? 0) + 1);
    }
    let total = 0;
    for (const [target, count] of counts) {
      target.invalidated(count);
      total += count;
    }
    return total;
  }

  /** Drops every entry of one layer and supersedes its loads under way; returns how many entries. */
  clearLayer(layer: string): number {
    const target = this.#layer(layer);
    target.supersedeWhere();
    const count = target.dropAll();
    target.invalidated(count);
    return count;
  }

  /** Drops every entry of every layer and supersedes every load under way. */
  clear(): void {
    for (const name of this.layers) this.clearLayer(name);
  }

  /** Counters and sizes of each layer (expired entries are dropped first). */
  stats(): Readonly<Record<string, CacheLayerStats>> {
    const stats: Record<string, CacheLayerStats> = {};
    for (const [name, layer] of this.#layers) stats[name] = layer.stats();
    return stats;
  }

  #layer(name: string): CacheLayer {
    const layer = this.#layers.get(name);
    if (layer === undefined) {
      throw new InvalidArgumentError(`Unknown cache layer ${JSON.stringify(name)}; known layers: ${this.layers.join(', ')}`);
    }
    return layer;
  }

  #store(layer: CacheLayer, key: string, value: unknown, tags: readonly string[], ttlMs: number | undefined): void {
    const entry = layer.store(key, value, tags, ttlMs);
    if (entry === undefined) return;
    for (const tag of tags) {
      let entries = this.#tagged.get(tag);
      if (entries === undefined) this.#tagged.set(tag, (entries = new Set()));
      entries.add(entry);
    }
  }

  /** A load finished: it no longer takes joiners (unless it was already superseded and replaced). */
  #land(layer: CacheLayer, key: string, flight: object): void {
    if (layer.flights.get(key) === flight) layer.flights.delete(key);
  }
}

/** A private copy of `tags`, checked. */
function checkTags(tags: readonly string[] | undefined): readonly string[] {
  if (tags === undefined) return NO_TAGS;
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
    throw new InvalidOptionError(`Expected \`tags\` to be an array of strings, got ${describeValue(tags)}`);
  }
  return tags.length === 0 ? NO_TAGS : [...tags];
}

function checkTtl(ttlMs: number | undefined): number | undefined {
  return ttlMs === undefined ? undefined : integerAtLeast('ttlMs', ttlMs, 0, 1);
}
