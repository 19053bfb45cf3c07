/**
 * The scheduler's options, checked up front, and the store they name.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { StrategyRegistry } from '../strategies/registry.js';
import { describeValue } from '../util/options.js';
import { parseDuration, type Duration } from './durations.js';
import type { ScheduleStoreError } from './errors.js';
import { FileScheduleStore } from './file-store.js';
import { MemoryScheduleStore } from './memory-store.js';
import { MISFIRE_POLICIES, type MisfirePolicy } from './misfire.js';
import type { ScheduleStore, ScheduleStoreFactory } from './store.js';

/** Delivers a message job: sends `message` to the agent named `agent`, verified. */
export type DeliverFunction = (agent: string, message: string, signal?: AbortSignal) => Promise<unknown>;

/** A store named in the registry, with its options. */
export interface NamedStoreOption {
  /** The name it is registered under (`file`, `memory`, or a plugin's). */
  readonly strategy: string;
  /** Passed to its factory (`{ path }` for `file`). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Where jobs are kept: a file path (the file store), `'memory'` or `false`
 * (no durability), a store object, or a store registered by name.
 */
export type SchedulerStoreOption = string | false | ScheduleStore | NamedStoreOption;

/** Options of a `Scheduler`. */
export interface SchedulerOptions {
  /**
   * Where jobs are kept, so they survive a restart. A relative path is read from the working directory.
   * @default '.tmux-orchestrator/schedule.jsonl'
   */
  readonly store?: SchedulerStoreOption;
  /**
   * What `start()` does with due times that passed while no scheduler ran.
   * @default 'fire-once'
   */
  readonly misfire?: MisfirePolicy;
  /**
   * The longest delay, interval, jitter, or time until an `at()` date accepted; longer is an error.
   * @default '366d'
   */
  readonly maxDelay?: Duration;
  /**
   * Keep the process alive while jobs are pending. With `false`, the timer is
   * `unref`'d: a process with nothing else to do exits and its jobs wait for the next start.
   * @default true
   */
  readonly keepAlive?: boolean;
  /**
   * Sends a message job's text to an agent (the orchestrator wires this to
   * `agent.send`). Without it, message jobs are refused.
   */
  readonly deliver?: DeliverFunction;
  /** Whether an agent with this name exists, checked when a message job is scheduled. Without it, any name is taken. */
  readonly hasAgent?: (name: string) => boolean;
  /** Where `{ strategy }` stores are looked up; without it, only the built-in `file` and `memory`. */
  readonly registry?: StrategyRegistry;
}

/**
 * Options after checks and defaults.
 *
 * @internal
 */
export interface ResolvedSchedulerOptions {
  /** See {@link SchedulerOptions.misfire}. */
  readonly misfire: MisfirePolicy;
  /** See {@link SchedulerOptions.maxDelay}, in ms. */
  readonly maxDelayMs: number;
  /** See {@link SchedulerOptions.keepAlive}. */
  readonly keepAlive: boolean;
  /** See {@link SchedulerOptions.deliver}. */
  readonly deliver: DeliverFunction | undefined;
  /** See {@link SchedulerOptions.hasAgent}. */
  readonly hasAgent: ((name: string) => boolean) | undefined;
}

/**
 * The default store file.
 *
 * @example
 * const scheduler = new Scheduler({ deliver }); // keeps its jobs in ./.tmux-orchestrator/schedule.jsonl
 */
export const DEFAULT_STORE_PATH = '.tmux-orchestrator/schedule.jsonl';

/**
 * The built-in stores, for the registry (`registry.register('store', name, factory)`).
 *
 * @example
 * const registry = new StrategyRegistry();
 * for (const [name, factory] of Object.entries(BUILTIN_STORES)) registry.register('store', name, factory);
 * const scheduler = new Scheduler({ registry, store: { strategy: 'file', options: { path: 'jobs.jsonl' } } });
 */
export const BUILTIN_STORES: Readonly<Record<'file' | 'memory', ScheduleStoreFactory>> = {
  // The store checks its options itself.
  file: ({ path, compactAfter, lazy, onError }) =>
    new FileScheduleStore({ path: path as string, compactAfter: compactAfter as number | undefined, lazy: lazy as boolean | undefined, onError }),
  memory: () => new MemoryScheduleStore(),
};

/**
 * Checks the options and fills in defaults.
 *
 * @throws `InvalidOptionError` naming the option.
 * @internal
 */
export function resolveSchedulerOptions(options: SchedulerOptions): ResolvedSchedulerOptions {
  const misfire = options.misfire ?? 'fire-once';
  if (!MISFIRE_POLICIES.includes(misfire)) {
    throw new InvalidOptionError(`Expected \`misfire\` to be one of ${MISFIRE_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(misfire)}`);
  }
  let maxDelayMs: number;
  try {
    maxDelayMs = parseDuration(options.maxDelay ?? '366d');
  } catch {
    throw new InvalidOptionError(`Expected \`maxDelay\` to be a duration like '30d', got ${describeValue(options.maxDelay)}`);
  }
  if (maxDelayMs <= 0) throw new InvalidOptionError(`Expected \`maxDelay\` to be more than 0, got ${describeValue(options.maxDelay)}`);
  const keepAlive = options.keepAlive ?? true;
  if (typeof keepAlive !== 'boolean') throw new InvalidOptionError(`Expected \`keepAlive\` to be a boolean, got ${describeValue(keepAlive)}`);
  for (const name of ['deliver', 'hasAgent'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(`Expected \`${name}\` to be a function, got ${describeValue(value)}`);
  }
  return { misfire, maxDelayMs, keepAlive, deliver: options.deliver, hasAgent: options.hasAgent };
}

/**
 * Checks the `store` option's shape (what it names is made by `openStore()`, at start,
 * once plugins have registered their stores).
 *
 * @throws `InvalidOptionError`.
 * @internal
 */
export function checkStoreOption(options: SchedulerOptions): void {
  const store = options.store ?? DEFAULT_STORE_PATH;
  if (store === false || (typeof store === 'string' && store !== '')) return;
  if (typeof store === 'object' && store !== null) {
    if (isStore(store)) return;
    if ('strategy' in store && typeof store.strategy === 'string') {
      if (options.registry !== undefined || Object.hasOwn(BUILTIN_STORES, store.strategy)) return;
      throw new InvalidOptionError(`Expected \`store.strategy\` to be \`file\` or \`memory\` (pass \`registry\` for others), got ${describeValue(store.strategy)}`);
    }
  }
  throw new InvalidOptionError(`Expected \`store\` to be a file path, 'memory', false, a ScheduleStore or { strategy }, got ${describeValue(store)}`);
}

/**
 * The store the (checked) `store` option names.
 *
 * @throws `InvalidOptionError` from the store's factory, or `UnknownStrategyError` for a name nobody registered.
 * @internal
 */
export function openStore(options: SchedulerOptions, onError: (error: ScheduleStoreError) => void): ScheduleStore {
  const store = options.store ?? DEFAULT_STORE_PATH;
  if (store === false || store === 'memory') return new MemoryScheduleStore();
  if (typeof store === 'string') return new FileScheduleStore({ path: store, onError });
  if (isStore(store)) return store;
  const { strategy, options: storeOptions } = store;
  const registry = options.registry;
  // The registry first (a plugin may replace a built-in); it also names what is known when nothing matches.
  const factory = registry === undefined || (!registry.has('store', strategy) && Object.hasOwn(BUILTIN_STORES, strategy))
    ? BUILTIN_STORES[strategy as 'file' | 'memory']
    : registry.get('store', strategy);
  return factory({ ...storeOptions, onError });
}

function isStore(store: ScheduleStore | NamedStoreOption): store is ScheduleStore {
  return 'load' in store && typeof store.load === 'function' && typeof store.write === 'function' && typeof store.close === 'function';
}
