/**
 * Host resources: CPU busy share (from the deltas of `os.cpus()` times
 * between two samples), memory and load averages.
 *
 * @module
 */
import { cpus, freemem, loadavg, totalmem, type CpuInfo } from 'node:os';

/** The host, at one sample. */
export interface HostResources {
  /** Share of all CPUs' time spent busy since the previous sample, 0 to 1; `null` at the first sample. */
  readonly cpuRatio: number | null;
  /** Logical CPUs. */
  readonly cpus: number;
  /** All memory, in bytes. */
  readonly memoryBytes: number;
  /** Memory available to new processes, in bytes. */
  readonly freeMemoryBytes: number;
  /** Memory in use, as a share of all memory (0 to 1). */
  readonly memoryRatio: number;
  /** Load averages over 1, 5 and 15 minutes (zeros on Windows). */
  readonly load: readonly [number, number, number];
}

/** Busy and total CPU time summed over all CPUs, in ms. */
export interface CpuTimes {
  /** Time not idle. */
  readonly busy: number;
  /** All time. */
  readonly total: number;
}

/** Sums `os.cpus()` times. */
export function cpuTimes(infos: readonly CpuInfo[] = cpus()): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of infos) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** The busy share between two readings, 0 to 1; `null` when no time passed. */
export function busyRatio(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  return Math.min(1, Math.max(0, (after.busy - before.busy) / total));
}

/**
 * Samples the host; CPU shares are measured from one sample to the next.
 *
 * @example
 * const host = new HostSampler();
 * host.sample(); // cpuRatio: null
 * host.sample().cpuRatio; // busy share since the first sample
 */
export class HostSampler {
  #previous: CpuTimes | undefined;

  /** Reads the host now. */
  sample(): HostResources {
    const infos = cpus();
    const times = cpuTimes(infos);
    const cpuRatio = this.#previous === undefined ? null : busyRatio(this.#previous, times);
    this.#previous = times;
    const memoryBytes = totalmem();
    const freeMemoryBytes = freemem();
    const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
    return {
      cpuRatio,
      cpus: infos.length,
      memoryBytes,
      freeMemoryBytes,
      memoryRatio: memoryBytes > 0 ? 1 - freeMemoryBytes / memoryBytes : 0,
      load: [load1, load5, load15],
    };
  }
}
