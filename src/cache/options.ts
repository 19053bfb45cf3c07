/**
 * Options of `LayeredCache`, its default layers, and their validation.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import { describeValue, integerAtLeast } from '../util/options.js';
import { defaultSizeOf } from './size.js';

/** Limits of one cache layer. */
export interface CacheLayerOptions {
  /**
   * How long an entry stays fresh, in milliseconds (an integer).
   * @default the layer's value in {@link DEFAULT_CACHE_LAYERS}, or 60000 for a layer of your own
   */
  readonly ttlMs?: number;
  /**
   * The most entries the layer holds; the least recently used go first.
   * @default the layer's value in {@link DEFAULT_CACHE_LAYERS}, or 1000 for a layer of your own
   */
  readonly maxEntries?: number;
  /**
   * The most bytes (as `sizeOf` counts them) the layer holds; the least
   * recently used entries go first, and a value larger than this is not kept.
   * @default the layer's value in {@link DEFAULT_CACHE_LAYERS}, or 8 MiB for a layer of your own
   */
  readonly maxBytes?: number;
  /**
   * A value's size in bytes, for `maxBytes`. Must return a number >= 0.
   * @default strings at 2 bytes per UTF-16 unit, arrays as the sum of their items, Buffers by length, other values by the length of their JSON
   */
  readonly sizeOf?: (value: unknown) => number;
}

/** Names of the layers every `LayeredCache` has. */
export type DefaultCacheLayer = 'pane_content' | 'agent_status' | 'session_info' | 'config';

const MIB = 1024 * 1024;

/**
 * The layers every `LayeredCache` has, with their default limits. The TTLs
 * are the original Tmux-Orchestrator's: pane content 10 s, agent status 30 s,
 * session info 60 s, configuration 300 s.
 *
 * @example
 * DEFAULT_CACHE_LAYERS.pane_content.ttlMs; // 10000
 * const cache = new LayeredCache({ layers: { pane_content: { ttlMs: 2_000 }, prompts: { ttlMs: 5_000 } } });
 */
export const DEFAULT_CACHE_LAYERS: Readonly<
  Record<DefaultCacheLayer, Required<Pick<CacheLayerOptions, 'ttlMs' | 'maxEntries' | 'maxBytes'>>>
> = Object.freeze({
  pane_content: Object.freeze({ ttlMs: 10_000, maxEntries: 10_000, maxBytes: 64 * MIB }),
  agent_status: Object.freeze({ ttlMs: 30_000, maxEntries: 10_000, maxBytes: 8 * MIB }),
  session_info: Object.freeze({ ttlMs: 60_000, maxEntries: 1_000, maxBytes: 8 * MIB }),
  config: Object.freeze({ ttlMs: 300_000, maxEntries: 1_000, maxBytes: 1 * MIB }),
});

/** Limits of a layer declared in `layers` that is not one of {@link DEFAULT_CACHE_LAYERS}. */
const OWN_LAYER_DEFAULTS = { ttlMs: 60_000, maxEntries: 1_000, maxBytes: 8 * MIB } as const;

/** Options of `LayeredCache`. */
export interface LayeredCacheOptions {
  /**
   * Layer limits, merged over {@link DEFAULT_CACHE_LAYERS} field by field;
   * names that are not default layers declare extra layers.
   * @default {}
   */
  readonly layers?: Readonly<Record<string, CacheLayerOptions>>;
  /**
   * The clock TTLs are measured with, in milliseconds; replace it to test
   * expiry without waiting.
   * @default performance
   */
  readonly clock?: {
    /** The current time in milliseconds. */
    readonly now: () => number;
  };
}

/** One layer's options, validated and complete. @internal */
export interface ResolvedLayerOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly sizeOf: (value: unknown) => number;
}

/** Validates `options.layers` and merges it over the defaults, default layers first. @internal */
export function resolveLayers(options: LayeredCacheOptions): Map<string, ResolvedLayerOptions> {
  const layers: unknown = options.layers ?? {};
  if (typeof layers !== 'object' || layers === null || Array.isArray(layers)) {
    throw new InvalidOptionError(`Expected \`layers\` to be an object, got ${describeValue(layers)}`);
  }
  const given = layers as Readonly<Record<string, unknown>>;
  const names = new Set([...Object.keys(DEFAULT_CACHE_LAYERS), ...Object.keys(given)]);
  const resolved = new Map<string, ResolvedLayerOptions>();
  for (const name of names) {
    const layer = given[name] ?? {};
    if (typeof layer !== 'object' || layer === null) {
      throw new InvalidOptionError(`Expected \`layers.${name}\` to be an object, got ${describeValue(layer)}`);
    }
    resolved.set(name, resolveLayer(name, layer as CacheLayerOptions));
  }
  return resolved;
}

function resolveLayer(name: string, layer: CacheLayerOptions): ResolvedLayerOptions {
  const base = Object.hasOwn(DEFAULT_CACHE_LAYERS, name) ? DEFAULT_CACHE_LAYERS[name as DefaultCacheLayer] : OWN_LAYER_DEFAULTS;
  const sizeOf: unknown = layer.sizeOf ?? defaultSizeOf;
  if (typeof sizeOf !== 'function') {
    throw new InvalidOptionError(`Expected \`layers.${name}.sizeOf\` to be a function, got ${describeValue(sizeOf)}`);
  }
  return {
    ttlMs: integerAtLeast(`layers.${name}.ttlMs`, layer.ttlMs, base.ttlMs, 1),
    maxEntries: integerAtLeast(`layers.${name}.maxEntries`, layer.maxEntries, base.maxEntries, 1),
    maxBytes: integerAtLeast(`layers.${name}.maxBytes`, layer.maxBytes, base.maxBytes, 1),
    sizeOf: sizeOf as (value: unknown) => number,
  };
}
