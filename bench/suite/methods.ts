/**
 * The methods the suite compares, in the order they run on each fleet.
 *
 * @module
 */
import type { Method } from '../field/method.js';
import { libtmuxMethod, probeLibtmux } from '../field/libtmux.js';
import { originalMethod } from '../field/original.js';
import { seedColdMethod } from '../field/seed.js';
import { eventsMethod, pollMethod } from './library.js';

/** One method of the suite. */
export interface MethodEntry {
  /** `a` … `e`. */
  readonly id: string;
  readonly label: string;
  /**
   * One process per tmux command: slow at large sizes, so its cycles are cut
   * to a time budget there (at least the budget's minimum).
   */
  readonly perProcess: boolean;
  /** Untimed cycles before the timed ones. */
  readonly warmup: number;
  /** Resolves to why the method cannot run here, or `undefined` when it can. */
  readonly unavailable: () => Promise<string | undefined>;
  readonly run: Method;
}

const available = (): Promise<undefined> => Promise.resolve(undefined);

/** (a) … (e). */
export const METHODS: readonly MethodEntry[] = [
  { id: 'a', label: 'original: a process per command', perProcess: true, warmup: 0, unavailable: available, run: originalMethod },
  { id: 'b', label: 'seed: execa ×20, TTL caches (cold)', perProcess: true, warmup: 0, unavailable: available, run: seedColdMethod },
  {
    id: 'c',
    label: 'libtmux (Python)',
    perProcess: true,
    warmup: 0,
    unavailable: async () => {
      const probe = await probeLibtmux();
      return 'missing' in probe ? probe.missing : undefined;
    },
    run: libtmuxMethod,
  },
  { id: 'd', label: 'this library, poll', perProcess: false, warmup: 30, unavailable: available, run: pollMethod },
  { id: 'e', label: 'this library, events (10% active)', perProcess: false, warmup: 30, unavailable: available, run: eventsMethod },
];
