/**
 * Process trees: CPU time and resident memory of a process and all its
 * descendants, read from `/proc` on Linux and from `ps` on macOS.
 *
 * @module
 */
import { readdir } from 'node:fs/promises';
import { execa } from 'execa';
import { readProcFiles } from './proc-files.js';

/** One process as the process table shows it. */
export interface ProcessEntry {
  /** Its pid. */
  readonly pid: number;
  /** Its parent's pid. */
  readonly ppid: number;
  /** User plus system CPU time it used so far, in seconds. */
  readonly cpuSeconds: number;
  /** Resident memory in bytes, when the table carries it (macOS); Linux reads it per process. */
  readonly rssBytes?: number;
}

/** A process and its descendants, measured. */
export interface ProcessTree {
  /** The root's pid. */
  readonly pid: number;
  /** CPU seconds used so far, per process of the tree (the root first). */
  readonly cpuSeconds: ReadonlyMap<number, number>;
  /** Resident memory of the whole tree, in bytes (shared pages counted once per process). */
  readonly rssBytes: number;
}

/**
 * Linux reports CPU time in clock ticks of `USER_HZ`, which is 100 on every
 * architecture Node runs on.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** Parses `/proc/<pid>/stat`; `undefined` when it is not one. The command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcessEntry | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  // Fields after the name, from field 3 (state): ppid is field 4, utime 14, stime 15.
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (![pid, ppid, ticks].every(Number.isInteger)) return undefined;
  return { pid, ppid, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}

/**
 * Parses a `ps` CPU time: `[[dd-]hh:]mm:ss[.cc]` (macOS prints `m:ss.cc`,
 * minutes past 59 included). `NaN` when it is not one.
 */
export function parseCpuTime(text: string): number {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/u.exec(text.trim());
  if (match === null) return Number.NaN;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

/** Parses `ps -A -o pid=,ppid=,rss=,time=` (RSS in KiB); lines that do not parse are left out. */
export function parsePsOutput(text: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, rss, time] = line.trim().split(/\s+/u).map((field, i) => (i === 3 ? parseCpuTime(field) : Number(field)));
    if (pid === undefined || ppid === undefined || rss === undefined || time === undefined) continue;
    if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(rss) || Number.isNaN(time)) continue;
    entries.push({ pid, ppid, cpuSeconds: time, rssBytes: rss * 1024 });
  }
  return entries;
}

/** The pid and every descendant of it present in `table`, the root first; empty when the root is not there. */
export function descendants(table: ReadonlyMap<number, ProcessEntry>, root: number): number[] {
  if (!table.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const entry of table.values()) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry.pid]);
    else siblings.push(entry.pid);
  }
  const found = [root];
  const seen = new Set(found);
  for (let i = 0; i < found.length; i++) {
    for (const child of children.get(found[i] as number) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
    }
  }
  return found;
}

/** `true` on the platforms process trees can be measured on (Linux and macOS). */
export function processTreesSupported(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux' || platform === 'darwin';
}

/**
 * Measures the tree under each root pid (`includeDescendants: false` for the
 * root alone). Roots that are gone are left out of the result. Returns an
 * empty map on platforms other than Linux and macOS.
 *
 * @example
 * const trees = await measureProcessTrees([process.pid]);
 * trees.get(process.pid)?.rssBytes;
 */
export async function measureProcessTrees(
  roots: readonly { readonly pid: number; readonly includeDescendants: boolean }[],
): Promise<Map<number, ProcessTree>> {
  const trees = new Map<number, ProcessTree>();
  if (roots.length === 0 || !processTreesSupported()) return trees;
  const linux = process.platform === 'linux';
  const table = linux ? await readProcTable() : await readPsTable();
  for (const { pid, includeDescendants } of roots) {
    const pids = includeDescendants ? descendants(table, pid) : table.has(pid) ? [pid] : [];
    if (pids.length === 0) continue;
    const cpuSeconds = new Map(pids.map((member) => [member, table.get(member)?.cpuSeconds ?? 0]));
    const rss = linux ? await readResidentBytes(pids) : pids.map((member) => table.get(member)?.rssBytes ?? 0);
    trees.set(pid, { pid, cpuSeconds, rssBytes: rss.reduce((sum, bytes) => sum + bytes, 0) });
  }
  return trees;
}

async function readProcTable(): Promise<Map<number, ProcessEntry>> {
  const names = (await readdir('/proc')).filter((name) => /^\d+$/u.test(name));
  const stats = await readProcFiles(names.map((name) => `/proc/${name}/stat`));
  const table = new Map<number, ProcessEntry>();
  for (const text of stats) {
    const entry = parseProcStat(text);
    if (entry !== undefined) table.set(entry.pid, entry);
  }
  return table;
}

/** `VmRSS` of `/proc/<pid>/status` of each pid, in bytes; 0 once a process is gone (or for kernel threads, which have none). */
async function readResidentBytes(pids: readonly number[]): Promise<number[]> {
  const statuses = await readProcFiles(pids.map((pid) => `/proc/${pid}/status`));
  return statuses.map((status) => {
    const kib = /^VmRSS:\s+(\d+) kB$/mu.exec(status)?.[1];
    return kib === undefined ? 0 : Number(kib) * 1024;
  });
}

async function readPsTable(): Promise<Map<number, ProcessEntry>> {
  const { stdout } = await execa('ps', ['-A', '-o', 'pid=,ppid=,rss=,time=']);
  return new Map(parsePsOutput(stdout).map((entry) => [entry.pid, entry]));
}
