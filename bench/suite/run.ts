/**
 * The side-by-side suite: fleets of light fake agents at growing sizes, and
 * on each the same full monitoring cycle done five ways, in the same run:
 * (a) the original's process per command, (b) the seed's execa pool with TTL
 * caches (cold), (c) libtmux, (d) this library polling, (e) this library on
 * events. Writes JSON, a markdown report and an SVG chart under
 * bench/results/. See docs/benchmarks.md.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measureSeedStaleness } from '../field/seed.js';
import { withFleetCleanup } from '../fleet.js';
import { summarize } from '../stats.js';
import { renderChart } from './chart.js';
import { createAgentFleet } from './fleet.js';
import { METHODS, type MethodEntry } from './methods.js';
import { cpuTimeMs, currentLoad, machineFacts, rssMb } from './proc.js';
import { renderMarkdown, speedups } from './report.js';
import type { MethodRun, SizeRun, SuiteResults } from './results.js';
import type { AgentFleet, MethodOptions } from '../field/method.js';
import { parseCommandLine, UsageError } from '../args.js';
import { runBenchmark } from '../bundled.js';

const USAGE = `Usage: node --import tsx bench/suite/run.ts [options]
  --quick              10, 100 and 1000 agents, few cycles, process-per-command
                       methods up to 100 agents: under 2 minutes
  --sizes 10,100,...   fleet sizes (default 10,25,50,100,150,500,1000)
  --methods a,b,c,d,e  methods to run (default all)
  --per-server N       agents per tmux server at most (default 250)
  --active-share X     share of agents printing output (default 0.1)
  --interval-ms N      ms between two lines of an active agent (default 500)
  --lines N            lines each agent prints at start (default 100)
  --cycles N           timed cycles of each method; process-per-command
                       methods get fewer at large sizes (default 50, quick 30)
  --budget-ms N        those methods stop timing after this long per size
                       (default 20000, quick 3000)
  --min-cycles N       but not before this many cycles (default 5, quick 1)
  --process-max N      run those methods on fleets of at most N agents
                       (default: every size; quick 100)
  --stale-ms N         how long the seed's warm cache runs at 100 agents (default 10000, quick 2000)
  --out DIR            where results go (default bench/results)
  --name NAME          file names NAME.json/.md/.svg (default suite, quick suite-quick)`;

interface Settings {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  readonly methods: readonly string[];
  readonly perServer: number;
  readonly activeShare: number;
  readonly intervalMs: number;
  readonly lines: number;
  readonly cycles: number;
  readonly budgetMs: number;
  readonly minCycles: number;
  readonly processMax: number;
  readonly staleMs: number;
  readonly out: string;
  readonly name: string;
}

function readSettings(): Settings | undefined {
  const text = { type: 'string' } as const;
  const { values } = parseCommandLine({
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      sizes: text,
      methods: text,
      'per-server': text,
      'active-share': text,
      'interval-ms': text,
      lines: text,
      cycles: text,
      'budget-ms': text,
      'min-cycles': text,
      'process-max': text,
      'stale-ms': text,
      out: text,
      name: text,
    },
  });
  if (values.help) return undefined;
  const quick = values.quick;
  const number = (name: keyof typeof values, fallback: number, check: (n: number) => boolean, what: string): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!check(value)) throw new UsageError(`--${name} must be ${what}, got ${String(raw)}`);
    return value;
  };
  const integer = (name: keyof typeof values, fallback: number, min: number): number =>
    number(name, fallback, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`);
  const sizes = (values.sizes ?? (quick ? '10,100,1000' : '10,25,50,100,150,500,1000')).split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new UsageError(`--sizes must be integers >= 1, got ${values.sizes}`);
  const methods = (values.methods ?? METHODS.map((method) => method.id).join(',')).split(',');
  const unknown = methods.filter((id) => !METHODS.some((method) => method.id === id));
  if (unknown.length > 0) throw new UsageError(`--methods: unknown ${unknown.join(', ')}`);
  return {
    quick,
    sizes,
    methods,
    perServer: integer('per-server', 250, 1),
    activeShare: number('active-share', 0.1, (n) => n >= 0 && n <= 1, 'between 0 and 1'),
    intervalMs: integer('interval-ms', 500, 1),
    lines: integer('lines', 100, 1),
    cycles: integer('cycles', quick ? 30 : 50, 1),
    budgetMs: integer('budget-ms', quick ? 3_000 : 20_000, 1),
    minCycles: integer('min-cycles', quick ? 1 : 5, 1),
    processMax: integer('process-max', quick ? 100 : Number.MAX_SAFE_INTEGER, 1),
    staleMs: integer('stale-ms', quick ? 2_000 : 10_000, 0),
    out: values.out ?? join('bench', 'results'),
    name: values.name ?? (quick ? 'suite-quick' : 'suite'),
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * What `method` runs: all the cycles for this library; a process-per-command
 * method stops once its time budget is spent (after the minimum).
 */
function optionsFor(method: MethodEntry, settings: Settings): MethodOptions {
  const base = { cycles: settings.cycles, warmup: method.warmup };
  return method.perProcess ? { ...base, budgetMs: settings.budgetMs, minCycles: settings.minCycles } : base;
}

async function runMethod(method: MethodEntry, fleet: AgentFleet, serverPids: readonly number[], options: MethodOptions): Promise<MethodRun> {
  const base = { id: method.id, label: method.label, warmup: method.warmup };
  const reason = await method.unavailable();
  if (reason !== undefined) return { ...base, skipped: reason, cycles: 0 };
  const serverCpu = (): number => serverPids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0);
  const serverBefore = serverCpu();
  const selfBefore = cpuTimeMs('self', true);
  const samplesMs = await method.run(fleet, options);
  const runs = samplesMs.length + method.warmup;
  const summary = summarize(samplesMs);
  return {
    ...base,
    cycles: samplesMs.length,
    summary,
    samplesMs,
    perAgentMs: summary.median / fleet.panes.length,
    serverCpuMsPerCycle: (serverCpu() - serverBefore) / runs,
    orchestratorCpuMsPerCycle: (cpuTimeMs('self', true) - selfBefore) / runs,
    orchestratorRssMb: rssMb(),
  };
}

async function runSize(agents: number, settings: Settings): Promise<SizeRun> {
  const servers = Math.ceil(agents / settings.perServer);
  return withFleetCleanup(async (base) => {
    log(`\n${agents} agents on ${servers} server${servers === 1 ? '' : 's'}: starting…`);
    const setupStart = performance.now();
    const fleet = await createAgentFleet(
      { agents, servers, activeShare: settings.activeShare, intervalMs: settings.intervalMs, lines: settings.lines },
      base,
    );
    const setupMs = performance.now() - setupStart;
    const serverPids = await Promise.all(fleet.controlClients.map(async (client) => Number(await client.displayMessage('#{pid}'))));
    const loadAverage = currentLoad();
    log(`  ready in ${(setupMs / 1000).toFixed(1)} s (${fleet.active.size} active); load average ${loadAverage.join(' / ')}`);
    const methods: MethodRun[] = [];
    for (const method of METHODS.filter((entry) => settings.methods.includes(entry.id))) {
      const result =
        method.perProcess && agents > settings.processMax
          ? { id: method.id, label: method.label, warmup: method.warmup, cycles: 0, skipped: `not run above ${settings.processMax} agents (--process-max)` }
          : await runMethod(method, fleet, serverPids, optionsFor(method, settings));
      methods.push(result);
      if (result.summary === undefined) {
        log(`  (${method.id}) ${method.label}: skipped: ${result.skipped ?? ''}`);
        continue;
      }
      log(
        `  (${method.id}) ${method.label}: median ${result.summary.median.toFixed(1)} ms, p95 ${result.summary.p95.toFixed(1)} ms ` +
          `over ${result.cycles} cycles${result.cycles < settings.cycles ? ' (cut to the time budget)' : ''}; tmux server CPU ${result.serverCpuMsPerCycle?.toFixed(1)} ms/cycle`,
      );
    }
    const staleness =
      agents === 100 && settings.methods.includes('b') ? await measureSeedStaleness(fleet, settings.staleMs) : undefined;
    if (staleness !== undefined) {
      log(
        `  (b) warm: median ${staleness.warmMedianMs.toFixed(2)} ms, statuses served up to ${(staleness.maxStatusAgeMs / 1000).toFixed(1)} s old; ` +
          `${staleness.outdatedActive}/${staleness.active} active agents shown an outdated screen`,
      );
    }
    return { agents, servers, active: fleet.active.size, setupMs, loadAverage, methods, ...(staleness === undefined ? {} : { staleness }) };
  });
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const started = new Date();
  const machine = await machineFacts();
  log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; tmux ${machine.tmux}; Node ${machine.node}; ` +
      `load average ${machine.loadAverage.join(' / ')}`,
  );
  const sizes: SizeRun[] = [];
  for (const agents of settings.sizes) sizes.push(await runSize(agents, settings));
  const { out, name, ...shown } = settings;
  const results: SuiteResults = {
    machine,
    settings: shown,
    startedAt: started.toISOString(),
    durationS: (Date.now() - started.getTime()) / 1000,
    loadAverageEnd: currentLoad(),
    sizes,
  };
  await mkdir(out, { recursive: true });
  const markdown = renderMarkdown(results, `${name}.svg`);
  await writeFile(join(out, `${name}.json`), JSON.stringify(results, null, 2) + '\n');
  await writeFile(join(out, `${name}.md`), markdown);
  await writeFile(join(out, `${name}.svg`), renderChart(results));
  console.log(markdown);
  for (const line of speedups(results)) log(line);
  log(`wrote ${join(out, name)}.json, .md and .svg in ${results.durationS.toFixed(0)} s`);
}

// Run from source (tsx), this re-runs itself bundled: see ../bundled.ts.
await runBenchmark(import.meta.url, main, USAGE);
