import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  descendants,
  measureProcessTrees,
  parseCpuTime,
  parseProcStat,
  parsePsOutput,
  processTreesSupported,
  type ProcessEntry,
} from '../../src/metrics/processes.js';
import { busyRatio, cpuTimes, HostSampler } from '../../src/metrics/system.js';
import { retryUntil } from '../../src/testing/retry.js';

describe('parseProcStat', () => {
  it('reads pid, ppid and CPU time (utime + stime in ticks of 1/100 s)', () => {
    const line = '25404 (cat) R 25402 25402 13601 0 -1 4194304 98 0 0 0 150 25 0 0 20 0 1 0 960627 3133440 358 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ pid: 25404, ppid: 25402, cpuSeconds: 1.75 });
  });

  it('copes with spaces and parentheses in the command name', () => {
    const line = '7 (a) b (c)) S 1 7 7 0 -1 4194304 98 0 0 0 3 4 0 0 20 0 1 0 960627 3133440 358';
    expect(parseProcStat(line)).toEqual({ pid: 7, ppid: 1, cpuSeconds: 0.07 });
  });

  it('rejects what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('x (cat) R y')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads this process from /proc', async () => {
    const entry = parseProcStat(await readFile('/proc/self/stat', 'utf8'));
    expect(entry?.pid).toBe(process.pid);
    expect(entry?.ppid).toBe(process.ppid);
    expect(entry?.cpuSeconds).toBeGreaterThan(0);
  });
});

describe('parseCpuTime', () => {
  it.each([
    ['0:00.03', 0.03], // macOS
    ['123:45.67', 123 * 60 + 45.67], // macOS, past an hour
    ['00:00:08', 8], // procps
    ['01:02:03', 3723],
    ['2-01:02:03', 2 * 86_400 + 3723],
  ])('reads %s', (text, seconds) => {
    expect(parseCpuTime(text)).toBeCloseTo(seconds, 9);
  });

  it.each(['', '12', 'a:b', '1:2:3:4'])('rejects %j', (text) => {
    expect(parseCpuTime(text)).toBeNaN();
  });
});

describe('parsePsOutput', () => {
  it('reads pid, ppid, RSS (KiB) and CPU time, skipping lines that do not parse', () => {
    const text = '    1     0 12248 0:08.50\n  300     1   100 1:00.00\nbogus line\n\n';
    expect(parsePsOutput(text)).toEqual([
      { pid: 1, ppid: 0, rssBytes: 12_248 * 1024, cpuSeconds: 8.5 },
      { pid: 300, ppid: 1, rssBytes: 100 * 1024, cpuSeconds: 60 },
    ]);
  });
});

describe('descendants', () => {
  it('finds every process under the root, and nothing else', () => {
    // Random forests: each pid's parent is a smaller pid (or 0), so there are no cycles.
    const forest = fc.array(fc.nat(), { maxLength: 60 }).map((parents) =>
      parents.map((choice, i): ProcessEntry => ({ pid: i + 1, ppid: choice % (i + 1), cpuSeconds: 0 })),
    );
    fc.assert(
      fc.property(forest, fc.nat(), (entries, pick) => {
        const table = new Map(entries.map((entry) => [entry.pid, entry]));
        const root = entries.length === 0 ? 1 : (pick % entries.length) + 1;
        const found = descendants(table, root);
        const isUnder = (pid: number): boolean => pid === root || (pid !== 0 && isUnder(table.get(pid)?.ppid ?? 0));
        expect(found.sort((a, b) => a - b)).toEqual(entries.map((entry) => entry.pid).filter(isUnder));
      }),
    );
  });

  it('is empty when the root is gone, and survives a ppid loop', () => {
    const loop = new Map<number, ProcessEntry>([
      [1, { pid: 1, ppid: 2, cpuSeconds: 0 }],
      [2, { pid: 2, ppid: 1, cpuSeconds: 0 }],
    ]);
    expect(descendants(loop, 3)).toEqual([]);
    expect(descendants(loop, 1)).toEqual([1, 2]);
  });
});

describe('host CPU', () => {
  it('is the busy share of the time between two readings', () => {
    expect(busyRatio({ busy: 100, total: 1000 }, { busy: 400, total: 2000 })).toBeCloseTo(0.3, 12);
    expect(busyRatio({ busy: 1, total: 1 }, { busy: 1, total: 1 })).toBeNull();
    const times = cpuTimes([{ model: 'x', speed: 1, times: { user: 5, nice: 1, sys: 2, idle: 10, irq: 2 } }]);
    expect(times).toEqual({ busy: 10, total: 20 });
  });

  it('samples memory and load, and a CPU share once time has passed', async () => {
    const host = new HostSampler();
    const first = host.sample();
    expect(first.cpuRatio).toBeNull();
    expect(first.memoryBytes).toBeGreaterThan(first.freeMemoryBytes);
    expect(first.memoryRatio).toBeGreaterThan(0);
    expect(first.memoryRatio).toBeLessThan(1);
    expect(first.load).toHaveLength(3);
    const second = await retryUntil(
      () => {
        const sample = host.sample();
        return sample.cpuRatio === null ? undefined : sample;
      },
      { timeoutMs: 5_000, description: 'the CPU clocks to advance' },
    );
    expect(second.cpuRatio).toBeGreaterThanOrEqual(0);
    expect(second.cpuRatio).toBeLessThanOrEqual(1);
  });
});

describe.runIf(processTreesSupported())('measureProcessTrees', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    // The child leads a process group of its own: kill the grandchild with it.
    if (child?.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  });

  it('counts a child and its grandchild, CPU and memory included', async () => {
    // The shell starts a busy grandchild (which then sleeps) and becomes `sleep` itself.
    const busy = 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exec sleep 60';
    child = spawn('sh', ['-c', `sh -c '${busy}' & exec sleep 61`], { stdio: 'ignore', detached: true });
    const pid = child.pid as number;
    const tree = await retryUntil(
      async () => {
        const found = (await measureProcessTrees([{ pid, includeDescendants: true }])).get(pid);
        const grandchild = [...(found?.cpuSeconds ?? [])].find(([member]) => member !== pid);
        // The grandchild's own CPU time, not the root's (a sleeping `sleep` uses next to none).
        return grandchild !== undefined && grandchild[1] >= 0.02 ? found : undefined;
      },
      { timeoutMs: 10_000, description: 'the grandchild to use some CPU' },
    );
    expect([...tree.cpuSeconds.keys()]).toHaveLength(2);
    expect([...tree.cpuSeconds.keys()][0]).toBe(pid);
    // Two processes of some hundreds of KiB each at least.
    expect(tree.rssBytes).toBeGreaterThan(2 * 100 * 1024);
    const alone = (await measureProcessTrees([{ pid, includeDescendants: false }])).get(pid);
    expect([...(alone?.cpuSeconds.keys() ?? [])]).toEqual([pid]);
    expect(alone?.rssBytes).toBeLessThan(tree.rssBytes);
  });

  it('leaves out roots that are gone', async () => {
    const trees = await measureProcessTrees([{ pid: 2 ** 22 + 1, includeDescendants: true }]);
    expect(trees.size).toBe(0);
  });
});
