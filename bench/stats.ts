/**
 * Summaries of timing samples for the benchmarks.
 *
 * @module
 */
import { percentile } from '../src/util/latency.js';

/** Median, tail percentiles and extremes of a set of samples, in the samples' unit (nearest rank). */
export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Summarises `samples` (any order). Nearest-rank percentiles are always one of
 * the samples: with 10 samples, p95 and p99 are both the largest.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summary of no samples');
  return {
    count: samples.length,
    min: percentile(samples, 0),
    median: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
  };
}
