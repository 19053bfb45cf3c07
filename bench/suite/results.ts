/**
 * The shape of a suite run's results (also its JSON file).
 *
 * @module
 */
import type { SeedStaleness } from '../field/seed.js';
import type { Summary } from '../stats.js';
import type { MachineFacts } from './proc.js';

/** One method on one fleet. */
export interface MethodRun {
  readonly id: string;
  readonly label: string;
  /** Why it did not run, if it did not. */
  readonly skipped?: string;
  readonly cycles: number;
  readonly warmup: number;
  /** Cycle durations, ms. */
  readonly summary?: Summary;
  readonly samplesMs?: readonly number[];
  /** Median cycle divided by the agents. */
  readonly perAgentMs?: number;
  /** CPU time of the tmux servers per cycle (warm-up cycles included in the average), ms. */
  readonly serverCpuMsPerCycle?: number;
  /** CPU time of the benchmark process and the processes it started, per cycle, ms. */
  readonly orchestratorCpuMsPerCycle?: number;
  /** Resident set size of the benchmark process after the method, MB. */
  readonly orchestratorRssMb?: number;
}

/** Every method on one fleet. */
export interface SizeRun {
  readonly agents: number;
  readonly servers: number;
  /** Agents printing output all the time. */
  readonly active: number;
  /** Building the fleet and waiting for every screen, ms. */
  readonly setupMs: number;
  /** Load averages (1, 5, 15 min) before the methods ran. */
  readonly loadAverage: readonly number[];
  readonly methods: readonly MethodRun[];
  /** The seed's warm cache on this fleet, where measured. */
  readonly staleness?: SeedStaleness;
}

/** A whole run. */
export interface SuiteResults {
  readonly machine: MachineFacts;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly startedAt: string;
  readonly durationS: number;
  readonly loadAverageEnd: readonly number[];
  readonly sizes: readonly SizeRun[];
}

/** The median of method `id` on the fleet of `agents`, if it ran. */
export function medianOf(results: SuiteResults, agents: number, id: string): number | undefined {
  return results.sizes.find((size) => size.agents === agents)?.methods.find((method) => method.id === id)?.summary?.median;
}
