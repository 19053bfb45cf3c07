/**
 * Percentiles over a bounded window of recent samples (latencies in
 * milliseconds, usually): memory stays fixed however long the process runs,
 * and the percentiles describe recent behaviour rather than all of history.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { describeValue, integerAtLeast } from './options.js';

/**
 * The nearest-rank `p`th percentile of `values` (`p` from 0 to 100): the
 * smallest value that at least `p`% of the values are less than or equal to.
 * `percentile(values, 0)` is the minimum, `percentile(values, 100)` the maximum.
 *
 * @returns `NaN` when `values` is empty (no samples, no percentile).
 * @throws {@link InvalidArgumentError} when `p` is not a number from 0 to 100.
 * @example
 * percentile([5, 1, 3, 2, 4], 50); // 3
 */
export function percentile(values: readonly number[], p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 100)) {
    throw new InvalidArgumentError(`Expected a percentile from 0 to 100, got ${describeValue(p)}`);
  }
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * The last `capacity` samples recorded, oldest overwritten first.
 *
 * @example
 * const window = new LatencyWindow(1024);
 * window.record(performance.now() - start);
 * const p99 = window.percentile(99);
 */
export class LatencyWindow {
  /** How many samples the window holds at most. */
  readonly capacity: number;
  readonly #samples: number[] = [];
  #next = 0;
  #count = 0;

  /** @param capacity - how many samples to keep (default 1024); older ones are dropped. */
  constructor(capacity = 1024) {
    this.capacity = integerAtLeast('capacity', capacity, 1024, 1);
  }

  /** Samples recorded since the window was created, including those dropped since. */
  get count(): number {
    return this.#count;
  }

  /** Adds a sample, dropping the oldest one when the window is full. */
  record(value: number): void {
    if (this.#samples.length < this.capacity) this.#samples.push(value);
    else this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count++;
  }

  /** The samples currently in the window, in no particular order (a copy). */
  values(): number[] {
    return [...this.#samples];
  }

  /** The nearest-rank `p`th percentile (0-100) of the samples in the window; `NaN` when empty. */
  percentile(p: number): number {
    return percentile(this.#samples, p);
  }
}
