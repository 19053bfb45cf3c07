/**
 * A scripted benchmark: spawn a fleet of light fake agents over two tmux
 * servers (placement spreads them), then time monitor cycles
 * (`orc.health.check()`) in `poll` mode (every screen captured every cycle)
 * and in `events` mode (only the panes that printed since their last
 * capture), and print the median and 95th percentile of each, with a few
 * lines of the metrics snapshot.
 *
 *   node --import tsx examples/scripted-benchmark.ts [--agents 50] [--cycles 30]
 *
 * The first orchestrator (poll) spawns the fleet and closes, leaving the
 * agents running; the second (events) finds them again by discovery, as a
 * restarted process would. One agent in ten prints a line every 200 ms, the
 * rest sit idle. Both servers are private (sockets in temporary
 * directories); no network. It exits with 0 when every cycle observed every
 * agent, 1 otherwise, and 2 for a bad command line; the servers and their
 * directories are removed in every case, Ctrl-C included.
 *
 * With real agents: import from `tmux-orchestrator`, pass your servers
 * (`servers: [{ socketName: 'agents-1' }, { socketName: 'agents-2' }]`),
 * spawn with `command: ['claude']` (or time the fleet you already run:
 * `discover` finds it), and give `monitor.mode` the mode to measure.
 *
 * @module
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Orchestrator, percentile, type CycleReport } from '../src/index.js';
import { createTestServer, lightAgentCommand, type TestServer } from '../src/testing/index.js';
import { runExample } from './support/run.js';

const USAGE = `Usage: node --import tsx examples/scripted-benchmark.ts [--agents N] [--cycles N]
  --agents N   light fake agents, spread over 2 servers (default 50)
  --cycles N   timed cycles per mode, after 2 warm-up cycles (default 30)`;
/** Cycles before timing: the first one captures every screen in either mode. */
const WARMUP_CYCLES = 2;
/** Pause between two cycles, so that the active agents print something in between. */
const CYCLE_GAP_MS = 25;
/** One agent in this many prints all the time (its screen reads `working`); the others are `idle`. */
const ACTIVE_EVERY = 10;
/** The names of the agents that print all the time. */
const ACTIVE = new Set<string>();

let settings: { agents: number; cycles: number };
try {
  settings = parseSettings(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}

const servers: TestServer[] = [];
let orc: Orchestrator | undefined;
await runExample(
  main,
  async () => {
    await orc?.close();
    await Promise.all(servers.map((server) => server.kill()));
  },
);

async function main(): Promise<void> {
  servers.push(await createTestServer(), await createTestServer());
  const options = servers.map((server) => server.server);
  const { agents, cycles } = settings;

  // Poll mode; `start: false` runs cycles only when asked, and recovery is
  // off: this run only measures.
  const poll = await Orchestrator.start({ servers: options, monitor: { mode: 'poll', start: false }, recovery: false });
  orc = poll;
  const started = performance.now();
  // One at a time, so that each placement sees the agents placed before it.
  for (let index = 1; index <= agents; index++) {
    const name = `agent-${String(index).padStart(3, '0')}`;
    const active = index % ACTIVE_EVERY === 0;
    if (active) ACTIVE.add(name);
    // With real agents: command: ['claude'], cwd: '/path/to/the/project'.
    await poll.spawn({ name, kind: 'claude-code', command: lightAgentCommand({ name, active, intervalMs: 200, lines: 20 }) });
  }
  const perServer = options.map((server) => poll.agents.filter((agent) => agent.server === server).length);
  console.log(`spawned ${agents} agents in ${Math.round(performance.now() - started)} ms: ${perServer.join(' + ')} over ${options.length} servers`);
  if (perServer.some((count) => count < Math.floor(agents / options.length))) throw new Error('placement did not spread the agents');
  await measure(poll, cycles);
  await poll.close(); // the agents keep running

  // Events mode, in a new orchestrator that finds the running agents.
  const events = await Orchestrator.start({ servers: options, monitor: { mode: 'events', start: false }, recovery: false });
  orc = events;
  if (events.agents.length !== agents) throw new Error(`discovery found ${events.agents.length} agents, expected ${agents}`);
  const reports = await measure(events, cycles);
  if (reports.every((report) => report.cacheHits === 0)) throw new Error('events mode captured every screen every cycle');
}

/** Runs the warm-up and timed cycles, prints their figures, and returns the timed reports. */
async function measure(orchestrator: Orchestrator, cycles: number): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  for (let cycle = 1; cycle <= WARMUP_CYCLES + cycles; cycle++) {
    const report = await orchestrator.health.check();
    if (cycle > WARMUP_CYCLES) reports.push(report);
    await delay(CYCLE_GAP_MS);
  }
  const last = reports.at(-1);
  const mode = last?.mode ?? '?';
  const failed = reports.find((report) => report.errors > 0 || report.agents.length !== orchestrator.agents.length);
  if (last === undefined || failed !== undefined) throw new Error(`${mode}: cycle ${failed?.cycle ?? '?'} did not observe every agent`);
  const wrong = last.agents.filter((agent) => agent.state !== (ACTIVE.has(agent.agent) ? 'working' : 'idle'));
  if (wrong.length > 0) throw new Error(`${mode}: ${wrong.map((agent) => `${agent.agent} is ${agent.state}`).join(', ')}`);

  const durations = reports.map((report) => report.durationMs);
  const captures = reports.reduce((sum, report) => sum + report.captures, 0) / reports.length;
  console.log(
    `\n${mode}: ${cycles} cycles over ${last.agents.length} agents: median ${ms(percentile(durations, 50))}, ` +
      `p95 ${ms(percentile(durations, 95))}, ${captures.toFixed(1)} captures per cycle`,
  );
  const snapshot = orchestrator.metrics.snapshot();
  const { commands, byCommand } = snapshot.tmux;
  const paneContent = snapshot.cache['pane_content'];
  console.log(`  metrics: health cycles ${snapshot.health.cycles.count} (p50 ${ms(snapshot.health.cycles.p50Ms)}, p95 ${ms(snapshot.health.cycles.p95Ms)})`);
  console.log(`  metrics: tmux commands ${commands.count} (p50 ${ms(commands.p50Ms)}, p95 ${ms(commands.p95Ms)}), capture-pane ${byCommand['capture-pane']?.count ?? 0}`);
  console.log(`  metrics: pane_content hit rate ${paneContent?.hitRate?.toFixed(2) ?? 'n/a'}, agents idle ${snapshot.agents.idle}, working ${snapshot.agents.working}`);
  return reports;
}

/** A duration for printing. */
function ms(value: number | null): string {
  return value === null || Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`;
}

/** The command line's settings; throws for a bad one. */
function parseSettings(argv: readonly string[]): { agents: number; cycles: number } {
  const { values } = parseArgs({ args: [...argv], options: { agents: { type: 'string' }, cycles: { type: 'string' } } });
  return { agents: count('--agents', values.agents, 50), cycles: count('--cycles', values.cycles, 30) };
}

/** A positive integer option, or its default. */
function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`Expected ${flag} to be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}
