/**
 * What the suite reads about the machine and about processes: facts to print
 * next to the figures, CPU time and memory from /proc (Linux).
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { detectTmuxVersion } from '../../src/index.js';

/** The machine a run was measured on. */
export interface MachineFacts {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly platform: string;
  readonly tmux: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadAverage: readonly number[];
}

/** Reads the facts (tmux's version by running it). */
export async function machineFacts(): Promise<MachineFacts> {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    tmux: (await detectTmuxVersion()).raw,
    node: process.version,
    loadAverage: currentLoad(),
  };
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function currentLoad(): number[] {
  return loadavg().map((value) => Number(value.toFixed(2)));
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time of process `pid` in ms from /proc/PID/stat: its own (user +
 * system) and, with `children`, that of its children it has waited for (the
 * tmux and Python processes a method started count for the orchestrator).
 * `NaN` where /proc cannot be read.
 */
export function cpuTimeMs(pid: number | 'self', children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime 14 … cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    return ((utime + stime + (children ? cutime + cstime : 0)) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** This process's resident set size in MB. */
export function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}
