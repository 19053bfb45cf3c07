/**
 * Scheduler benchmark: schedule N one-shot jobs with `scheduler.in()` (durable
 * file store by default), then let them fire, spread over a few seconds.
 * Reports the time to schedule them all (each `in()` resolved, so durable),
 * the fire lag (from due time to the handler's start, measured in the
 * handler), peak RSS, and the process's thread and child-process counts
 * before and after: jobs cost no processes.
 *
 * `node --import tsx bench/scheduler.ts [--jobs 100000] [--store file|memory] [--json]`
 * (add `--expose-gc` to node's flags for the bytes each pending job retains).
 *
 * @module
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileScheduleStore } from '../src/scheduler/file-store.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import type { ScheduleStore } from '../src/scheduler/store.js';
import { runBundled } from './bundled.js';
import { summarize, type Summary } from './stats.js';

const USAGE = `Usage: node --import tsx bench/scheduler.ts [options]
  --jobs N        one-shot jobs to schedule (default 100000)
  --store KIND    file (durable, the default) or memory
  --lead MS       the earliest job is due this long after scheduling starts (default 3000)
  --spread MS     due times spread evenly over this long (default 3000)
  --json          print the results as JSON`;

interface Settings {
  readonly jobs: number;
  readonly store: 'file' | 'memory';
  readonly leadMs: number;
  readonly spreadMs: number;
  readonly json: boolean;
}

interface Results {
  readonly settings: Omit<Settings, 'json'>;
  readonly scheduleMs: number;
  /** CPU time (user + system) this process spent scheduling, and then firing: what the machine's load does not inflate. */
  readonly cpuMs: { readonly scheduling: number; readonly firing: number };
  /** The machine's 1-minute load average at the start, and its core count: wall-clock figures depend on them. */
  readonly load: { readonly average: number; readonly cores: number };
  readonly fired: number;
  readonly failed: number;
  readonly lagMs: Summary;
  readonly rssMb: { readonly before: number; readonly afterScheduling: number; readonly peak: number };
  /** Heap per pending job: retained bytes after a full GC when run with `--expose-gc`, else heap growth (garbage included). */
  readonly bytesPerJob: { readonly bytes: number; readonly afterGc: boolean };
  readonly storeFileMb: number | undefined;
  /** Each store write (one append and one fdatasync, file store only): how many, and how long they took. */
  readonly storeWrites: { readonly count: number; readonly ms: Summary } | undefined;
  readonly threads: { readonly before: number; readonly after: number };
  readonly childProcesses: { readonly before: number; readonly after: number };
}

function readSettings(): Settings | undefined {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '100000' },
      store: { type: 'string', default: 'file' },
      lead: { type: 'string', default: '3000' },
      spread: { type: 'string', default: '3000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const number = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${text}\n${USAGE}`);
    return value;
  };
  if (values.store !== 'file' && values.store !== 'memory') throw new Error(`--store must be file or memory, got ${values.store}\n${USAGE}`);
  return { jobs: number('jobs', values.jobs), store: values.store, leadMs: number('lead', values.lead), spreadMs: number('spread', values.spread), json: values.json };
}

/** Threads of this process (Linux). */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Processes whose parent is this one (Linux). */
function childProcessCount(): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

/** `global.gc` when node runs with `--expose-gc`. */
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const now = (): number => performance.timeOrigin + performance.now();

async function run(settings: Settings): Promise<Results> {
  const directory = await mkdtemp(join(tmpdir(), 'tmo-bench-scheduler-'));
  const storePath = join(directory, 'schedule.jsonl');
  const threadsBefore = threadCount();
  const childrenBefore = childProcessCount();
  // The file store, timed write by write: a slow fdatasync holds up every claim behind it.
  const writeMs: number[] = [];
  const file = new FileScheduleStore({ path: storePath });
  const store: ScheduleStore = {
    load: () => file.load(),
    close: () => file.close(),
    write: async (changes) => {
      const start = now();
      await file.write(changes);
      writeMs.push(now() - start);
    },
  };
  const scheduler = new Scheduler({ store: settings.store === 'file' ? store : 'memory' });
  try {
    const lags: number[] = [];
    let failed = 0;
    scheduler.handle('bench', ({ dueAt }) => void lags.push(now() - dueAt));
    scheduler.on('schedule:failed', () => failed++);
    await scheduler.start();
    gc?.();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;

    const load = { average: Math.round(loadavg()[0] as number * 100) / 100, cores: availableParallelism() };
    const cpuStart = process.cpuUsage();
    const started = now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < settings.jobs; i++) {
      // Due times spread evenly over the window, scheduled in a scrambled order.
      const slot = (i * 7919) % settings.jobs;
      const dueAt = started + settings.leadMs + (slot * settings.spreadMs) / settings.jobs;
      pending.push(scheduler.in(Math.max(0, Math.round(dueAt - now())), { handler: 'bench', payload: slot }));
    }
    await Promise.all(pending);
    const scheduleMs = now() - started;
    const cpuScheduled = process.cpuUsage(cpuStart);
    // The bench's own promises go; the jobs stay.
    pending.length = 0;
    gc?.();
    const memory = process.memoryUsage();
    const storeFileMb = settings.store === 'file' ? mb((await stat(storePath)).size) : undefined;

    let peak = memory.rss;
    const deadline = started + settings.leadMs + settings.spreadMs + 30_000;
    while (lags.length + failed < settings.jobs && now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const cpuFired = process.cpuUsage(cpuStart);
    const cpuMs = (usage: NodeJS.CpuUsage): number => Math.round((usage.user + usage.system) / 1000);
    return {
      settings: { jobs: settings.jobs, store: settings.store, leadMs: settings.leadMs, spreadMs: settings.spreadMs },
      scheduleMs,
      cpuMs: { scheduling: cpuMs(cpuScheduled), firing: cpuMs(cpuFired) - cpuMs(cpuScheduled) },
      load,
      fired: lags.length,
      failed,
      lagMs: summarize(lags),
      rssMb: { before: mb(rssBefore), afterScheduling: mb(memory.rss), peak: mb(peak) },
      bytesPerJob: { bytes: Math.round((memory.heapUsed - heapBefore) / settings.jobs), afterGc: gc !== undefined },
      storeFileMb,
      storeWrites: settings.store === 'file' ? { count: writeMs.length, ms: summarize(writeMs) } : undefined,
      threads: { before: threadsBefore, after: threadCount() },
      childProcesses: { before: childrenBefore, after: childProcessCount() },
    };
  } finally {
    await scheduler.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function print(results: Results): void {
  const { settings, lagMs } = results;
  const f = (value: number): string => value.toFixed(1);
  console.log(`${settings.jobs} one-shot jobs, ${settings.store} store, due over ${settings.spreadMs} ms from ${settings.leadMs} ms after the start`);
  console.log(`  load average ${results.load.average} on ${results.load.cores} cores`);
  console.log(`  scheduled (all durable) in ${f(results.scheduleMs)} ms (${results.cpuMs.scheduling} ms of CPU); firing took ${results.cpuMs.firing} ms of CPU`);
  console.log(`  fired ${results.fired}, failed ${results.failed}`);
  console.log(`  fire lag: p50 ${f(lagMs.median)} ms, p95 ${f(lagMs.p95)} ms, p99 ${f(lagMs.p99)} ms, max ${f(lagMs.max)} ms`);
  console.log(`  RSS: ${results.rssMb.before} MB before, ${results.rssMb.afterScheduling} MB after scheduling, ${results.rssMb.peak} MB peak`);
  const perJob = `${results.bytesPerJob.bytes} bytes${results.bytesPerJob.afterGc ? ' retained' : ' of heap growth, garbage included (run with --expose-gc for the retained size)'}`;
  console.log(`  heap per pending job: ~${perJob}${results.storeFileMb === undefined ? '' : `; store file ${results.storeFileMb} MB`}`);
  if (results.storeWrites !== undefined) {
    const { count, ms } = results.storeWrites;
    console.log(`  store writes: ${count}, each (append + fdatasync) p50 ${f(ms.median)} ms, p99 ${f(ms.p99)} ms, max ${f(ms.max)} ms`);
  }
  console.log(`  threads ${results.threads.before} → ${results.threads.after}; child processes ${results.childProcesses.before} → ${results.childProcesses.after}`);
}

const settings = readSettings();
if (settings === undefined) console.log(USAGE);
// Run from source (tsx), this re-runs itself bundled: see ./bundled.ts.
else if (!(await runBundled(import.meta.url))) {
  const results = await run(settings);
  if (settings.json) console.log(JSON.stringify(results, null, 2));
  else print(results);
}
