/**
 * Capture benchmark: `capture-pane -p -S -50` of every pane (50 lines of
 * history plus the screen), timed as full cycles over all panes, three ways
 * in the same run on the same panes:
 *
 * - `TmuxClient` over one control-mode connection per server, every command
 *   of a cycle pipelined (`Promise.all`; with several servers, all at once);
 * - one `tmux` process per command, one after another (how shell-script
 *   orchestrators do it);
 * - one `tmux` process per command, `--concurrency` (20) at a time.
 *
 * Every capture is checked once against the text its pane printed before
 * anything is timed. Every server is private (its own socket in a temporary
 * directory) and is removed at the end, on error and on Ctrl-C.
 *
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { detectTmuxVersion } from '../src/index.js';
import { integerArgument, parseCommandLine, UsageError } from './args.js';
import { capture, createFleet, HISTORY_LINES, paneLine, withFleetCleanup, type Fleet, type FleetPane } from './fleet.js';
import { runBenchmark } from './bundled.js';
import { summarize, type Summary } from './stats.js';

const USAGE = `Usage: npm run bench -- [options]
  --panes N         panes to capture per cycle (default 100)
  --servers K       spread the panes over K tmux servers, one connection each (default 1)
  --cycles N        timed cycles through TmuxClient (default 50, after --warmup 5)
  --exec-cycles N   timed cycles of each process-per-command method (default 10)
  --concurrency N   processes at a time for the concurrent method (default 20)
  --lines N         lines each pane prints (default 100)
  --json            print the results as JSON`;

/** One pane per window, this many windows per session. */
const WINDOWS_PER_SESSION = 10;

interface Settings {
  readonly panes: number;
  readonly servers: number;
  readonly cycles: number;
  readonly warmup: number;
  readonly execCycles: number;
  readonly concurrency: number;
  readonly lines: number;
  readonly json: boolean;
}

interface MethodResult {
  readonly method: string;
  readonly summary: Summary;
  readonly perPaneMs: number;
  readonly samplesMs: readonly number[];
}

interface Results {
  readonly control: MethodResult;
  readonly sequential: MethodResult;
  readonly concurrent: MethodResult;
}

function readSettings(): Settings | undefined {
  const parsed = parseCommandLine({
    options: {
      panes: { type: 'string', default: '100' },
      servers: { type: 'string', default: '1' },
      cycles: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '5' },
      'exec-cycles': { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '20' },
      lines: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const { values } = parsed;
  if (values.help) return undefined;
  const integer = (name: 'panes' | 'servers' | 'cycles' | 'warmup' | 'exec-cycles' | 'concurrency' | 'lines', min: number): number =>
    integerArgument(name, values[name], min);
  const settings: Settings = {
    panes: integer('panes', 1),
    servers: integer('servers', 1),
    cycles: integer('cycles', 1),
    warmup: integer('warmup', 0),
    execCycles: integer('exec-cycles', 1),
    concurrency: integer('concurrency', 1),
    lines: integer('lines', 1),
    json: values.json,
  };
  if (settings.servers > settings.panes) throw new UsageError('--servers must not exceed --panes');
  return settings;
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Checks that both transports return each pane's own lines: the last ones it printed, no more, no less. */
async function verify(fleet: Fleet, settings: Settings): Promise<void> {
  const heights = new Map<string, number>();
  await Promise.all(
    fleet.controlClients.map(async (client, server) => {
      for (const pane of await client.listPanes()) heights.set(`${server} ${pane.id}`, pane.height);
    }),
  );
  const expected = (pane: FleetPane): string => {
    const height = heights.get(`${pane.server} ${pane.id}`) ?? 0;
    // The history lines asked for, then the screen: all but its last row, where the cursor waits.
    const count = Math.min(settings.lines, HISTORY_LINES + height - 1);
    return Array.from({ length: count }, (_, i) => paneLine(pane.index, settings.lines - count + 1 + i)).join('\n');
  };
  for (const [name, clients] of [
    ['control connection', fleet.controlClients],
    ['process per command', fleet.execClients],
  ] as const) {
    await forEachLimited(fleet.panes, settings.concurrency, async (pane) => {
      const got = (await capture(clients, pane)).join('\n').trimEnd();
      if (got !== expected(pane)) throw new Error(`${name}: pane ${pane.index} (${pane.id}) captured\n${got}\ninstead of\n${expected(pane)}`);
    });
  }
}

/** Times `cycles` runs of `cycle` after `warmup` untimed ones. */
async function timeMethod(
  method: string,
  panes: number,
  cycles: number,
  warmup: number,
  cycle: () => Promise<unknown>,
): Promise<MethodResult> {
  for (let i = 0; i < warmup; i++) await cycle();
  const samplesMs: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const start = performance.now();
    await cycle();
    samplesMs.push(performance.now() - start);
  }
  const summary = summarize(samplesMs);
  return { method, summary, perPaneMs: summary.median / panes, samplesMs };
}

async function measure(fleet: Fleet, settings: Settings): Promise<Results> {
  const { panes, controlClients, execClients } = fleet;
  const progress = (method: string, cycles: number): string => {
    if (!settings.json) process.stderr.write(`timing ${method}: ${cycles} cycles…\n`);
    return method;
  };
  const plural = settings.servers === 1 ? '' : 's';
  // The process-per-command methods need no warm-up: the correctness check just ran them.
  const control = await timeMethod(
    progress(`TmuxClient, pipelined (${settings.servers} connection${plural})`, settings.cycles),
    panes.length,
    settings.cycles,
    settings.warmup,
    () => Promise.all(panes.map((pane) => capture(controlClients, pane))),
  );
  const sequential = await timeMethod(
    progress('one process per command, sequential', settings.execCycles),
    panes.length,
    settings.execCycles,
    0,
    async () => {
      for (const pane of panes) await capture(execClients, pane);
    },
  );
  const concurrent = await timeMethod(
    progress(`one process per command, ${settings.concurrency} at a time`, settings.execCycles),
    panes.length,
    settings.execCycles,
    0,
    () => forEachLimited(panes, settings.concurrency, (pane) => capture(execClients, pane)),
  );
  return { control, sequential, concurrent };
}

async function machineFacts(): Promise<Record<string, string | number>> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    tmux: (await detectTmuxVersion()).raw,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

function printTable(results: Results, settings: Settings, facts: Record<string, string | number>): void {
  const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
  const header = ['method', 'cycles', 'median ms', 'p95 ms', 'p99 ms', 'per pane ms'];
  const rows = [results.control, results.sequential, results.concurrent].map(({ method, summary, perPaneMs }) => [
    method,
    String(summary.count),
    ms(summary.median),
    ms(summary.p95),
    ms(summary.p99),
    perPaneMs.toFixed(3),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const format = (row: readonly string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  const { control, sequential, concurrent } = results;

  console.log(Object.entries(facts).map(([key, value]) => `${key}: ${value}`).join(' | '));
  console.log(
    `${settings.panes} panes on ${settings.servers} server${settings.servers === 1 ? '' : 's'}, ${settings.lines} lines each; ` +
      `a cycle is capture-pane -p -S -${HISTORY_LINES} of every pane\n`,
  );
  console.log([format(header), ...rows.map(format)].join('\n'));
  console.log(
    `\nTmuxClient is ${(sequential.summary.median / control.summary.median).toFixed(1)}x faster than one process per command ` +
      `(median ${ms(sequential.summary.median)} ms vs ${ms(control.summary.median)} ms), ` +
      `${(concurrent.summary.median / control.summary.median).toFixed(1)}x faster than ${settings.concurrency} processes at a time.`,
  );
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const facts = await machineFacts();
  await withFleetCleanup(async (fleet) => {
    const setupStart = performance.now();
    if (!settings.json) process.stderr.write(`starting ${settings.servers} server(s) with ${settings.panes} panes…\n`);
    await createFleet(
      { panes: settings.panes, servers: settings.servers, linesPerPane: settings.lines, windowsPerSession: WINDOWS_PER_SESSION },
      fleet,
    );
    await verify(fleet, settings);
    const setupMs = performance.now() - setupStart;
    const results = await measure(fleet, settings);
    if (settings.json) {
      const speedup = {
        sequential: results.sequential.summary.median / results.control.summary.median,
        concurrent: results.concurrent.summary.median / results.control.summary.median,
      };
      console.log(JSON.stringify({ machine: facts, settings, setupMs, results, speedup }, null, 2));
    } else {
      printTable(results, settings, facts);
      process.stderr.write(`(setup and correctness check: ${(setupMs / 1000).toFixed(1)} s)\n`);
    }
  });
}

// Run from source (tsx), this re-runs itself bundled: see ./bundled.ts.
await runBenchmark(import.meta.url, main, USAGE);
