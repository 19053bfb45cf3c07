/**
 * Monitor benchmark: `HealthChecker` cycles over fleets of light fake agents
 * (bash programs drawing Claude Code's screens), a share of them printing
 * output all the time, the rest idle.
 *
 * For each fleet size: `poll` mode (every screen captured, every cycle) and
 * `events` mode (only the panes that printed since their last capture),
 * timed over `--cycles` cycles started `--interval-ms` apart, with the
 * process's resident memory after each. Fleets of more than 250 agents are
 * spread over several servers (`--servers`). `--soak S` first watches the
 * largest fleet for S seconds with an orchestrator of its own, at its
 * defaults (events mode, 1 s interval), in a child process that runs the
 * library bundled as the build bundles it under plain node, and samples that
 * process's resident memory: the orchestrator's alone.
 *
 * Run from source, it bundles itself and runs the bundle under plain node,
 * so the library is measured as its build runs (see `bench/bundled.ts`).
 *
 * Every server is private (its own socket in a temporary directory) and is
 * removed at the end, on error and on Ctrl-C.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { cpus, loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Agent } from '../src/agents/agent.js';
import { HealthChecker } from '../src/health/checker.js';
import type { MonitoredAgent } from '../src/health/monitored-agent.js';
import type { CycleReport } from '../src/health/report.js';
import { ConnectionPool, detectTmuxVersion, Orchestrator, TmuxClient } from '../src/index.js';
import { createTestServer, retryUntil, type TestServer } from '../src/testing/index.js';
import { lightAgentCommand } from '../src/testing/fake-agent/light.js';
import { serverKey } from '../src/tmux/server.js';
import { monitoredAgent, QUIET_ORCHESTRATOR } from '../test/health/support/fleet.js';
import { withFleetCleanup, type Fleet } from './fleet.js';
import { bundle, runBenchmark } from './bundled.js';
import { summarize, type Summary } from './stats.js';
import { integerArgument, parseCommandLine, UsageError } from './args.js';
import type { SoakJob, SoakSample, SoakSummary } from './soak-worker.js';

const USAGE = `Usage: node --import tsx bench/monitor.ts [options]
  --sizes LIST       fleet sizes, comma-separated (default 10,100,1000)
  --modes LIST       monitor modes to time, comma-separated (default poll,events)
  --servers K        most servers a fleet is spread over, at most 250 agents each (default 4)
  --cycles N         timed cycles per mode (default 30, after 30 warm-up cycles)
  --interval-ms MS   from the start of one timed cycle to the next (default 250)
  --active RATIO     share of agents printing all the time (default 0.1)
  --soak SECONDS     first watch the largest fleet for this long with an orchestrator in a process of its own
                     (events mode, 1 s interval), sampling that process's memory
  --json             print the results as JSON`;

/** Agents per server at most, and windows per session. */
const AGENTS_PER_SERVER = 250;
const WINDOWS_PER_SESSION = 50;
/** How often an active agent prints a line. */
const ACTIVE_INTERVAL_MS = 100;
/**
 * Cycles run before the timed ones. Node compiles the cycle's code with its
 * optimizing JIT only after it has run a while: over the first 30 cycles of
 * a 100-agent poll checker its CPU per cycle falls from about 16 ms to 6 ms.
 * A monitor runs for hours; its steady state is what is timed.
 */
const WARMUP_CYCLES = 30;
const MB = 1024 * 1024;

interface Settings {
  readonly sizes: readonly number[];
  readonly modes: readonly BenchMode[];
  readonly servers: number;
  readonly cycles: number;
  readonly intervalMs: number;
  readonly active: number;
  readonly soakSeconds: number;
  readonly json: boolean;
}

const BENCH_MODES = ['poll', 'events'] as const;
type BenchMode = (typeof BENCH_MODES)[number];

interface ModeResult {
  readonly mode: string;
  readonly cycleMs: Summary;
  /** Median screens captured per cycle. */
  readonly captures: number;
  /** Median screens served from the cache per cycle. */
  readonly cacheHits: number;
  /** Agent observations that failed, over all timed cycles. */
  readonly errors: number;
  readonly rssMb: number;
  /** CPU time per cycle, ms, of this process and of the tmux servers together (less sensitive to other load than the latency). */
  readonly cpuMs: { readonly node: number; readonly tmux: number };
}

interface SizeResult {
  readonly agents: number;
  readonly servers: number;
  readonly active: number;
  readonly setupMs: number;
  readonly loadAverage1m: number;
  readonly modes: readonly ModeResult[];
}

interface SoakResult {
  readonly agents: number;
  readonly seconds: number;
  readonly cycles: number;
  readonly cycleMs: Summary;
  /** The orchestrator's resident memory once it adopted the agents, MB. */
  readonly adoptedRssMb: number;
  /** The orchestrator's resident memory, MB, one sample every 5 s. */
  readonly rssMb: readonly number[];
  /** V8 heap in use at the same moments, MB. */
  readonly heapMb: readonly number[];
  readonly maxRssMb: number;
  /** Mean of the last third of the samples minus the mean of the first third (after 30 s of warm-up). */
  readonly growthMb: number;
  readonly errors: number;
}

function readSettings(): Settings | undefined {
  const parsed = parseCommandLine({
    options: {
      sizes: { type: 'string', default: '10,100,1000' },
      modes: { type: 'string', default: BENCH_MODES.join(',') },
      servers: { type: 'string', default: '4' },
      cycles: { type: 'string', default: '30' },
      'interval-ms': { type: 'string', default: '250' },
      active: { type: 'string', default: '0.1' },
      soak: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const { values } = parsed;
  if (values.help) return undefined;
  const active = Number(values.active);
  if (!(active >= 0 && active <= 1)) throw new UsageError(`--active must be a number from 0 to 1, got ${values.active}`);
  const modes = values.modes.split(',').map((mode) => mode.trim());
  const unknown = modes.find((mode) => !(BENCH_MODES as readonly string[]).includes(mode));
  if (unknown !== undefined) throw new UsageError(`--modes takes ${BENCH_MODES.join(' and ')}, got ${unknown}`);
  return {
    sizes: values.sizes.split(',').map((size) => integerArgument('sizes', size.trim(), 1)),
    modes: modes as BenchMode[],
    servers: integerArgument('servers', values.servers, 1),
    cycles: integerArgument('cycles', values.cycles, 1),
    intervalMs: integerArgument('interval-ms', values['interval-ms'], 0),
    active,
    soakSeconds: integerArgument('soak', values.soak, 0),
    json: values.json,
  };
}

/** What a fleet of one size runs on. */
interface BenchFleet {
  readonly orc: Orchestrator;
  readonly pools: ConnectionPool[];
  readonly monitored: MonitoredAgent[];
  readonly activeCount: number;
  /** Process ids of the tmux servers. */
  readonly serverPids: number[];
}

/** CPU time used so far by a process, in ms (from /proc; `NaN` where there is none). */
function processCpuMs(pid: number): number {
  try {
    // Fields after the command (which may hold spaces) start after the last `)`; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** Starts the servers and agents of one size and an orchestrator that adopts them. */
async function startFleet(size: number, settings: Settings, fleet: Fleet): Promise<BenchFleet> {
  const serverCount = Math.max(1, Math.min(settings.servers, Math.ceil(size / AGENTS_PER_SERVER)));
  const servers: TestServer[] = [];
  for (let s = 0; s < serverCount; s++) {
    const server = await createTestServer();
    servers.push(server);
    fleet.servers.push(server);
    fleet.controlClients.push(await server.connect({ commandTimeoutMs: 60_000 }));
  }
  const every = settings.active === 0 ? Number.POSITIVE_INFINITY : Math.round(1 / settings.active);
  // Agents are dealt to servers in turn; every `every`-th agent of each server is active, so each server has the same share.
  const isActive = (i: number): boolean => Math.floor(i / serverCount) % every === 0;
  const panes: { index: number; paneId: string; server: TestServer }[] = [];
  await Promise.all(
    servers.map(async (server, s) => {
      const client = fleet.controlClients[fleet.controlClients.length - serverCount + s] as TmuxClient;
      const mine = Array.from({ length: size }, (_, i) => i).filter((i) => i % serverCount === s);
      for (let first = 0; first < mine.length; first += WINDOWS_PER_SESSION) {
        const group = mine.slice(first, first + WINDOWS_PER_SESSION);
        const command = (i: number): string[] => lightAgentCommand({ name: `agent-${i}`, active: isActive(i), intervalMs: ACTIVE_INTERVAL_MS });
        const session = await client.newSession({ name: `fleet-${first / WINDOWS_PER_SESSION}`, command: command(group[0] as number) });
        panes.push({ index: group[0] as number, paneId: session.paneId, server });
        const windows = await Promise.all(group.slice(1).map((i) => client.newWindow({ target: session.sessionId, command: command(i) })));
        windows.forEach((window, k) => panes.push({ index: group[k + 1] as number, paneId: window.paneId, server }));
      }
    }),
  );
  const orc = await Orchestrator.start({ servers: servers.map((server) => server.server), startServer: false, ...QUIET_ORCHESTRATOR });
  for (let first = 0; first < panes.length; first += 32) {
    await Promise.all(
      panes.slice(first, first + 32).map(({ index, paneId, server }) => orc.adopt(paneId, { name: `agent-${index}`, kind: 'claude-code', server: server.server })),
    );
  }
  const pools = await Promise.all(servers.map((server) => ConnectionPool.open({ ...server.server })));
  const serverPids = await Promise.all(fleet.controlClients.slice(-serverCount).map(async (client) => Number(await client.displayMessage('#{pid}'))));
  const clients = new Map(servers.map((server, s) => [serverKey(server.server), new TmuxClient(pools[s] as ConnectionPool)]));
  const detector = orc.registry.get('detector', 'claude-code')();
  const monitored = orc.agents.map((agent: Agent) => monitoredAgent(agent, detector, clients.get(serverKey(agent.server)) as TmuxClient));
  return { orc, pools, monitored, activeCount: Array.from({ length: size }, (_, i) => i).filter(isActive).length, serverPids };
}

async function stopFleet(bench: BenchFleet, fleet: Fleet): Promise<void> {
  await bench.orc.close();
  await Promise.all(bench.pools.map((pool) => pool.close()));
  await Promise.allSettled(fleet.servers.splice(0).map((server) => server.kill()));
  await Promise.allSettled(fleet.controlClients.splice(0).map((client) => client.close()));
}

function checker(bench: BenchFleet, mode: string, intervalMs?: number): HealthChecker {
  return new HealthChecker({ mode, agents: () => bench.monitored, registry: bench.orc.registry, observeTimeoutMs: 30_000, ...(intervalMs === undefined ? {} : { intervalMs }) });
}

/** Times `settings.cycles` cycles of one mode, started `intervalMs` apart, after warm-up. */
async function measureMode(bench: BenchFleet, mode: BenchMode, settings: Settings): Promise<ModeResult> {
  const health = checker(bench, mode);
  try {
    const reports: CycleReport[] = [];
    let nodeCpu = 0;
    let tmuxCpu = 0;
    const tmuxCpuNow = (): number => bench.serverPids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    for (let i = 0; i < WARMUP_CYCLES + settings.cycles; i++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const tmux = tmuxCpuNow();
      const report = await health.check();
      if (i >= WARMUP_CYCLES) {
        reports.push(report);
        const used = process.cpuUsage(cpu);
        nodeCpu += (used.user + used.system) / 1000;
        tmuxCpu += tmuxCpuNow() - tmux;
      }
      await delay(Math.max(0, settings.intervalMs - (performance.now() - started)));
    }
    return {
      mode,
      cycleMs: summarize(reports.map((report) => report.durationMs)),
      captures: summarize(reports.map((report) => report.captures)).median,
      cacheHits: summarize(reports.map((report) => report.cacheHits)).median,
      errors: reports.reduce((sum, report) => sum + report.errors, 0),
      rssMb: process.memoryUsage().rss / MB,
      cpuMs: { node: nodeCpu / settings.cycles, tmux: tmuxCpu / settings.cycles },
    };
  } finally {
    await health.close();
  }
}

/**
 * Watches the fleet for `seconds` with an orchestrator of its own, in a
 * child process (see `bench/soak-worker.ts`), sampling its memory every 5 s.
 */
async function soak(bench: BenchFleet, seconds: number, progress: (text: string) => void): Promise<SoakResult> {
  const servers = bench.pools.map((pool) => pool.server);
  const panes = bench.monitored.map(({ agent }) => ({
    paneId: agent.paneId,
    server: servers.findIndex((server) => serverKey(server) === serverKey(agent.server)),
    name: agent.name,
  }));
  const job: SoakJob = { servers, panes, seconds, sampleEveryMs: 5_000 };
  const worker = execa('node', [await bundle('bench/soak-worker.ts'), JSON.stringify(job)], { stdout: ['pipe'], stderr: 'inherit', lines: true, buffer: false });
  const samples: SoakSample[] = [];
  let summary: SoakSummary | undefined;
  for await (const line of worker.iterable()) {
    const message = JSON.parse(line) as SoakSample | SoakSummary;
    if (message.kind === 'done') summary = message;
    else {
      samples.push(message);
      progress(`soak: ${Math.round(message.seconds)} s, orchestrator rss ${message.rssMb.toFixed(1)} MB`);
    }
  }
  await worker;
  if (summary === undefined) throw new Error('the soak worker ended without its summary');
  const rss = samples.map((sample) => sample.rssMb);
  const settled = rss.slice(Math.min(6, Math.floor(rss.length / 2)));
  const third = Math.max(1, Math.floor(settled.length / 3));
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const { durationsMs } = summary;
  return {
    agents: panes.length,
    seconds,
    cycles: durationsMs.length,
    cycleMs: summarize(durationsMs.length === 0 ? [Number.NaN] : durationsMs),
    adoptedRssMb: summary.adoptedRssMb,
    rssMb: rss,
    heapMb: samples.map((sample) => sample.heapMb),
    maxRssMb: Math.max(...rss),
    growthMb: mean(settled.slice(-third)) - mean(settled.slice(0, third)),
    errors: summary.errors,
  };
}

async function machineFacts(): Promise<Record<string, string | number>> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    tmux: (await detectTmuxVersion()).raw,
    node: process.version,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    // This process before any fleet: with tsx, its loader thread alone holds tens of MB.
    baselineRssMb: Math.round(process.memoryUsage().rss / MB),
  };
}

/** The targets the monitor must meet, checked against the results. */
function targets(sizes: readonly SizeResult[], soakResult: SoakResult | undefined): string[] {
  const find = (agents: number, mode: string): ModeResult | undefined => sizes.find((size) => size.agents === agents)?.modes.find((result) => result.mode === mode);
  const lines: string[] = [];
  const check = (label: string, value: number | undefined, limit: number, unit: string): void => {
    if (value === undefined) return;
    lines.push(`${value <= limit ? 'PASS' : 'FAIL'}  ${label}: ${value.toFixed(1)} ${unit} (target <= ${limit} ${unit})`);
  };
  check('100 agents, poll, full fresh cycle, median', find(100, 'poll')?.cycleMs.median, 15, 'ms');
  const big = sizes.find((size) => size.agents === 1000);
  if (big !== undefined && big.servers >= 4) {
    check(`1000 agents on ${big.servers} servers, poll, full fresh cycle, median`, find(1000, 'poll')?.cycleMs.median, 150, 'ms');
    check(`1000 agents on ${big.servers} servers, events, ${big.active} active, median`, find(1000, 'events')?.cycleMs.median, 30, 'ms');
  }
  if (soakResult !== undefined) {
    check(`soak ${soakResult.seconds} s with ${soakResult.agents} agents, max RSS`, soakResult.maxRssMb, 150, 'MB');
    check(`soak growth (last third minus first third)`, Math.max(0, soakResult.growthMb), 5, 'MB');
  }
  return lines;
}

function printTable(sizes: readonly SizeResult[], soakResult: SoakResult | undefined, facts: Record<string, string | number>): void {
  const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  const header = ['agents', 'servers', 'mode', 'cycles', 'median ms', 'p95 ms', 'p99 ms', 'captures', 'cache hits', 'errors', 'cpu node', 'cpu tmux', 'rss MB', 'load'];
  const rows = sizes.flatMap((size) =>
    size.modes.map((result) => [
      String(size.agents),
      String(size.servers),
      result.mode,
      String(result.cycleMs.count),
      ms(result.cycleMs.median),
      ms(result.cycleMs.p95),
      ms(result.cycleMs.p99),
      String(result.captures),
      String(result.cacheHits),
      String(result.errors),
      ms(result.cpuMs.node),
      ms(result.cpuMs.tmux),
      result.rssMb.toFixed(0),
      size.loadAverage1m.toFixed(2),
    ]),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const format = (row: readonly string[]): string => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  console.log(Object.entries(facts).map(([key, value]) => `${key}: ${value}`).join(' | '));
  console.log(
    `${ACTIVE_INTERVAL_MS} ms between lines of an active agent; captures and cache hits are medians per cycle; ` +
      `cpu: ms of CPU per cycle, this process and the tmux servers (which also serve the active agents' output)\n`,
  );
  console.log([format(header), ...rows.map(format)].join('\n'));
  if (soakResult !== undefined) {
    const { cycleMs } = soakResult;
    console.log(
      `\nsoak: ${soakResult.agents} agents, ${soakResult.seconds} s, ${soakResult.cycles} cycles (median ${ms(cycleMs.median)} ms, p99 ${ms(cycleMs.p99)} ms), ` +
        `${soakResult.errors} errors; orchestrator process (plain node), ${soakResult.adoptedRssMb.toFixed(0)} MB once the agents were adopted\n  rss MB  ${soakResult.rssMb.map((value) => value.toFixed(0)).join(' ')}\n  heap MB ${soakResult.heapMb.map((value) => value.toFixed(0)).join(' ')}`,
    );
  }
  console.log(`\n${targets(sizes, soakResult).join('\n')}`);
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const facts = await machineFacts();
  const progress = (text: string): void => {
    if (!settings.json) process.stderr.write(`${text}\n`);
  };
  const largest = Math.max(...settings.sizes);
  const sizes: SizeResult[] = [];
  let soakResult: SoakResult | undefined;
  await withFleetCleanup(async (fleet) => {
    for (const size of settings.sizes) {
      progress(`starting ${size} agents…`);
      const started = performance.now();
      const bench = await startFleet(size, settings, fleet);
      try {
        // Until every agent has drawn its screen.
        const warm = checker(bench, 'poll');
        await retryUntil(async () => (await warm.check()).agents.every((line) => line.state === 'idle' || line.state === 'working'), {
          timeoutMs: 120_000,
          intervalMs: 200,
          description: `${size} agents to draw their screens`,
        });
        await warm.close();
        const setupMs = performance.now() - started;
        // The soak first, on a fresh fleet, before the timed cycles leave their garbage behind.
        if (size === largest && settings.soakSeconds > 0) soakResult = await soak(bench, settings.soakSeconds, progress);
        const modes: ModeResult[] = [];
        for (const mode of settings.modes) {
          progress(`${size} agents: timing ${mode} mode…`);
          modes.push(await measureMode(bench, mode, settings));
        }
        const servers = new Set(bench.monitored.map(({ agent }) => serverKey(agent.server))).size;
        sizes.push({ agents: size, servers, active: bench.activeCount, setupMs, loadAverage1m: loadavg()[0] ?? 0, modes });
      } finally {
        await stopFleet(bench, fleet);
      }
    }
  });
  if (settings.json) console.log(JSON.stringify({ machine: facts, settings, sizes, soak: soakResult, targets: targets(sizes, soakResult) }, null, 2));
  else printTable(sizes, soakResult, facts);
}

// Run from source (tsx), this re-runs itself bundled: see ./bundled.ts.
await runBenchmark(import.meta.url, main, USAGE);
