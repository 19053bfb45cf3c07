/**
 * Method (b), the "optimised" monitor this library replaces, rebuilt as it
 * was described: one `tmux` process per command through execa, at most 20 at
 * a time (p-queue, its "connection pool"), and TTL caches (lru-cache): pane
 * content 10 s, agent status 30 s, session info 60 s, config 300 s.
 *
 * Timed cold (caches emptied before each cycle, so every screen is fetched):
 * the comparable full fresh cycle. {@link measureSeedStaleness} shows what
 * its warm cycles cost and how old what they serve is.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import PQueue from 'p-queue';
import { createClaudeCodeDetector, isHiddenSession, runTmuxProcess, type AgentState } from '../../src/index.js';
import { percentile } from '../../src/util/latency.js';
import { HISTORY_LINES } from '../fleet.js';
import { paneKey, timeCycles, type AgentFleet, type Captures, type Method } from './method.js';

/** The seed's cache lifetimes and concurrency. */
export const SEED_SETTINGS = {
  concurrency: 20,
  paneContentTtlMs: 10_000,
  agentStatusTtlMs: 30_000,
  sessionInfoTtlMs: 60_000,
  configTtlMs: 300_000,
} as const;

interface Timed<T> {
  readonly value: T;
  /** `performance.now()` when it was read from tmux. */
  readonly at: number;
}

/** An agent's status, with the screen it was read from. */
interface Status {
  readonly state: AgentState;
  readonly lines: readonly string[];
}

interface Window {
  readonly server: number;
  readonly paneId: string;
}

const detector = createClaudeCodeDetector();

/** The seed's monitor loop over one fleet. */
class SeedMonitor {
  readonly #fleet: AgentFleet;
  readonly #queue = new PQueue({ concurrency: SEED_SETTINGS.concurrency });
  readonly #paneContent = new LRUCache<string, Timed<readonly string[]>>({ max: 10_000, ttl: SEED_SETTINGS.paneContentTtlMs });
  readonly #agentStatus = new LRUCache<string, Timed<Status>>({ max: 10_000, ttl: SEED_SETTINGS.agentStatusTtlMs });
  readonly #sessionInfo = new LRUCache<number, Window[]>({ max: 100, ttl: SEED_SETTINGS.sessionInfoTtlMs });
  readonly #config = new LRUCache<string, { historyLines: number }>({ max: 1, ttl: SEED_SETTINGS.configTtlMs });

  constructor(fleet: AgentFleet) {
    this.#fleet = fleet;
  }

  /** Empties every cache: the next cycle reads everything from tmux. */
  clear(): void {
    for (const cache of [this.#paneContent, this.#agentStatus, this.#sessionInfo, this.#config]) cache.clear();
  }

  /**
   * One monitor cycle: the status of every agent, from the status cache when
   * fresh enough, else read from its screen (from the content cache, else
   * captured). Returns the screens the statuses came from, and when each was
   * captured.
   */
  async cycle(): Promise<{ captures: Captures; statusAt: Map<string, number> }> {
    const config = this.#loadConfig();
    const windows = (await Promise.all(this.#fleet.servers.map((_, server) => this.#windows(server)))).flat();
    const captures: Captures = new Map();
    const statusAt = new Map<string, number>();
    await Promise.all(
      windows.map(async ({ server, paneId }) => {
        const key = paneKey(server, paneId);
        let status = this.#agentStatus.get(key);
        if (status === undefined) {
          const content = await this.#content(key, server, paneId, config.historyLines);
          const { state } = detector.detect({ lines: content.value }, { paneDead: false, currentCommand: '' });
          status = { value: { state, lines: content.value }, at: content.at };
          this.#agentStatus.set(key, status);
        }
        captures.set(key, status.value.lines);
        statusAt.set(key, status.at);
      }),
    );
    return { captures, statusAt };
  }

  #loadConfig(): { historyLines: number } {
    let config = this.#config.get('monitor');
    if (config === undefined) {
      // The seed read a configuration file here; its contents do not matter to the timing.
      config = { historyLines: HISTORY_LINES };
      this.#config.set('monitor', config);
    }
    return config;
  }

  async #content(key: string, server: number, paneId: string, historyLines: number): Promise<Timed<readonly string[]>> {
    const cached = this.#paneContent.get(key);
    if (cached !== undefined) return cached;
    const lines = await this.#tmux(server, ['capture-pane', '-p', '-t', paneId, '-S', `-${historyLines}`]);
    const content = { value: lines, at: performance.now() };
    this.#paneContent.set(key, content);
    return content;
  }

  /** Every window of the fleet's server `server`: `list-sessions`, then `list-windows` of each session, all through the queue. */
  async #windows(server: number): Promise<Window[]> {
    const cached = this.#sessionInfo.get(server);
    if (cached !== undefined) return cached;
    const sessions = (await this.#tmux(server, ['list-sessions', '-F', '#{session_name}'])).filter((name) => !isHiddenSession(name));
    const perSession = await Promise.all(sessions.map((name) => this.#tmux(server, ['list-windows', '-t', name, '-F', '#{pane_id}'])));
    const windows = perSession.flat().map((paneId) => ({ server, paneId }));
    this.#sessionInfo.set(server, windows);
    return windows;
  }

  /** One tmux process, through the queue of 20. */
  async #tmux(server: number, argv: readonly string[]): Promise<string[]> {
    const options = this.#fleet.servers[server]?.server;
    if (options === undefined) throw new Error(`no server ${server} in the fleet`);
    const result = await this.#queue.add(() => runTmuxProcess(options, argv));
    if (result.exitCode !== 0) throw new Error(`tmux ${argv.join(' ')}: ${result.stderr.trim()}`);
    const lines = result.stdout.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }
}

/** Method (b), cold: the seed's cycle with its caches emptied first, so every screen is read from tmux. */
export const seedColdMethod: Method = (fleet, options) => {
  const monitor = new SeedMonitor(fleet);
  return timeCycles('seed, cold cache (b)', fleet, options, async () => {
    monitor.clear();
    return (await monitor.cycle()).captures;
  });
};

/** What the seed's warm cycles cost and serve. */
export interface SeedStaleness {
  /** Warm cycles run (caches filled by one cold cycle before). */
  readonly warmCycles: number;
  /** Median warm cycle, ms. */
  readonly warmMedianMs: number;
  /** How long the warm cycles ran, ms. */
  readonly durationMs: number;
  /** The oldest status a warm cycle served, ms since it was read from tmux. */
  readonly maxStatusAgeMs: number;
  /** Active agents whose last served screen was behind their screen at the end. */
  readonly outdatedActive: number;
  /** Active agents in the fleet. */
  readonly active: number;
  /** Median, over active agents, of the lines of output the served screen was missing. */
  readonly medianLinesBehind: number;
}

const OUTPUT_LINE = /output (\d+)$/u;

function lastOutput(lines: readonly string[] | undefined): number {
  let last = 0;
  for (const line of lines ?? []) last = Number(OUTPUT_LINE.exec(line)?.[1] ?? last);
  return last;
}

/**
 * Fills the seed's caches with one cold cycle, runs warm cycles for
 * `durationMs`, then compares what the last one served for each active agent
 * with a fresh capture. Nothing expires before 10 s (content) and 30 s
 * (status): within that, every served status is as old as the first cycle.
 */
export async function measureSeedStaleness(fleet: AgentFleet, durationMs: number): Promise<SeedStaleness> {
  const monitor = new SeedMonitor(fleet);
  await monitor.cycle();
  const warm: number[] = [];
  let maxStatusAgeMs = 0;
  let served: Captures = new Map();
  const start = performance.now();
  while (performance.now() - start < durationMs || warm.length === 0) {
    const cycleStart = performance.now();
    const result = await monitor.cycle();
    const end = performance.now();
    warm.push(end - cycleStart);
    served = result.captures;
    for (const at of result.statusAt.values()) maxStatusAgeMs = Math.max(maxStatusAgeMs, end - at);
  }
  const elapsed = performance.now() - start;
  const fresh = new SeedMonitor(fleet);
  const now = (await fresh.cycle()).captures;
  const behind = fleet.panes
    .filter((pane) => fleet.active.has(pane.index))
    .map((pane) => {
      const key = paneKey(pane.server, pane.id);
      return lastOutput(now.get(key)) - lastOutput(served.get(key));
    });
  return {
    warmCycles: warm.length,
    warmMedianMs: percentile(warm, 50),
    durationMs: elapsed,
    maxStatusAgeMs,
    outdatedActive: behind.filter((lines) => lines > 0).length,
    active: behind.length,
    medianLinesBehind: behind.length === 0 ? 0 : percentile(behind, 50),
  };
}
