/**
 * Where the monitor keeps screens: the `pane_content` layer of a
 * `LayeredCache`, under a key (and tag) naming the server as well as the
 * pane, since pane ids repeat from one tmux server to the next.
 *
 * @module
 */
import type { LayeredCache } from '../cache/layered-cache.js';
import { paneTag } from '../cache/tags.js';
import { serverKey, type TmuxServerOptions } from '../tmux/server.js';

/** The cache layer screens are kept in. */
export const SCREEN_LAYER = 'pane_content';

/**
 * The `pane_content` key of a pane's screen: the server's key, then the pane
 * id (`tmux -L agents %5`). Entries are tagged `paneTag(key)`.
 *
 * @example
 * const lines = cache.peek<string[]>('pane_content', screenKey(agent.server, agent.paneId));
 */
export function screenKey(server: TmuxServerOptions, paneId: string): string {
  return `${serverKey(server)} ${paneId}`;
}

/**
 * One server's screens in the cache.
 *
 * @internal
 */
export class ServerScreens {
  readonly #cache: LayeredCache;
  readonly #prefix: string;
  /** Each pane's key and tags, made once. */
  readonly #keys = new Map<string, { readonly key: string; readonly options: { readonly tags: readonly string[] } }>();

  constructor(cache: LayeredCache, server: TmuxServerOptions) {
    this.#cache = cache;
    this.#prefix = screenKey(server, '');
  }

  /** The cached screen, counted as a hit or a miss. */
  get(paneId: string): readonly string[] | undefined {
    return this.#cache.get<readonly string[]>(SCREEN_LAYER, this.#key(paneId).key);
  }

  /** The cached screen, without counting. */
  peek(paneId: string): readonly string[] | undefined {
    return this.#cache.peek<readonly string[]>(SCREEN_LAYER, this.#key(paneId).key);
  }

  /** Caches a fresh screen, for about `ttlMs` (75 to 125% of it) when given, else for the layer's TTL. */
  set(paneId: string, lines: readonly string[], ttlMs?: number): void {
    const { key, options } = this.#key(paneId);
    this.#cache.set(SCREEN_LAYER, key, lines, ttlMs === undefined ? options : { ...options, ttlMs: Math.round(ttlMs * (0.75 + Math.random() / 2)) });
  }

  /** Drops the pane's screen, and whatever else is tagged with it. */
  invalidate(paneId: string): void {
    this.#cache.invalidateTag(paneTag(this.#key(paneId).key));
  }

  /** Forgets the keys of panes no longer watched. */
  retain(paneIds: { has(paneId: string): boolean }): void {
    for (const paneId of this.#keys.keys()) if (!paneIds.has(paneId)) this.#keys.delete(paneId);
  }

  #key(paneId: string): { readonly key: string; readonly options: { readonly tags: readonly string[] } } {
    let entry = this.#keys.get(paneId);
    if (entry === undefined) {
      const key = `${this.#prefix}${paneId}`;
      entry = { key, options: { tags: [paneTag(key)] } };
      this.#keys.set(paneId, entry);
    }
    return entry;
  }
}
