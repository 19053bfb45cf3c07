/**
 * `HealthChecker`: monitor cycles over the whole fleet, server by server in
 * parallel, capturing only the screens that may have changed.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Agent } from '../agents/agent.js';
import type { AgentState } from '../agents/state.js';
import type { LayeredCache } from '../cache/layered-cache.js';
import { DIAGNOSTICS_CHANNELS, publish } from '../diagnostics.js';
import { OrchestratorError } from '../errors.js';
import { MonitorClosedError } from './errors.js';
import type { HealthCheckerEvents } from './events.js';
import { classifyHealth } from './health.js';
import type { MonitoredAgent } from './monitored-agent.js';
import { resolveHealthCheckerOptions, type HealthCheckerOptions, type ResolvedHealthCheckerOptions } from './options.js';
import type { AgentReport, CycleReport } from './report.js';
import type { AgentOutcome } from './server-monitor.js';
import { ServerMonitors } from './server-monitors.js';

/**
 * Watches a fleet: each cycle looks at every agent once, server by server in
 * parallel, and reports each agent's confirmed state and health (`healthy`,
 * `stalled`, `exited`, `failed`). In `events` mode only the panes that wrote
 * output since their last capture are captured; the others are read from the
 * cache, which a hidden control client per server keeps honest.
 *
 * Cycles never overlap: `check()` during a cycle waits for it, then runs a
 * fresh one. A server that is down, or a pane that cannot be observed in time,
 * fails only its own agents, never the cycle.
 *
 * @example
 * await using checker = new HealthChecker({ agents: () => fleet.monitored(), registry: orc.registry });
 * const report = await checker.check();
 * checker.on('agent:exited', ({ agent }) => console.log(agent.name, 'exited'));
 * checker.start(); // a cycle every second
 */
export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  /** The monitor mode (strategy name), e.g. `events`. */
  readonly mode: string;
  /** The cache screens are kept in. */
  readonly cache: LayeredCache;

  readonly #options: ResolvedHealthCheckerOptions;
  readonly #monitors: ServerMonitors;
  /** Each agent's report from the last cycle that observed it. */
  #observed = new Map<Agent, AgentReport>();
  #cycles = 0;
  #lastReport: CycleReport | undefined;
  #byName: Map<string, AgentReport> | undefined;
  #current: Promise<CycleReport> | undefined;
  #queued: Promise<CycleReport> | undefined;
  #running = false;
  /** Bumped by every `start()`, so a tick of an earlier run does not schedule another. */
  #run = 0;
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  /** @throws `InvalidOptionError`; `UnknownStrategyError` for an unknown `mode`. */
  constructor(options: HealthCheckerOptions) {
    super();
    this.#options = resolveHealthCheckerOptions(options);
    this.mode = this.#options.mode;
    this.#monitors = new ServerMonitors(this.#options);
    this.cache = this.#options.cache;
  }

  /** `true` between `start()` and `stop()` (or `close()`). */
  get running(): boolean {
    return this.#running;
  }

  /** The latest cycle's report, `undefined` before the first. */
  get lastReport(): CycleReport | undefined {
    return this.#lastReport;
  }

  /**
   * The agent's screen as the latest cycle that observed it read it (captured
   * or from the cache), even if the agent has printed since; `undefined`
   * before that. The cache holds a screen only while it is current.
   */
  screen(agent: Agent): readonly string[] | undefined {
    return this.#monitors.of(agent)?.screen(agent.paneId);
  }

  /** One agent's line in the latest cycle's report. */
  report(agentName: string): AgentReport | undefined {
    this.#byName ??= new Map(this.#lastReport?.agents.map((line) => [line.agent, line]));
    return this.#byName.get(agentName);
  }

  /**
   * Runs one full cycle now and returns its report. During a cycle, waits
   * for it and then runs a fresh one (callers arriving meanwhile share it).
   *
   * @throws {@link MonitorClosedError} once closed.
   */
  check(): Promise<CycleReport> {
    if (this.#closing !== undefined) return Promise.reject(new MonitorClosedError());
    const current = this.#current;
    if (current === undefined) return this.#begin();
    this.#queued ??= current.then(noop, noop).then(() => {
      this.#queued = undefined;
      if (this.#closing !== undefined) throw new MonitorClosedError();
      return this.#begin();
    });
    return this.#queued;
  }

  /**
   * Runs cycles continuously, one every `intervalMs` (a cycle that overruns
   * delays the next). The timer does not keep the process alive. Errors that
   * fail a whole cycle are emitted as `error`.
   *
   * @throws {@link MonitorClosedError} once closed.
   */
  start(): void {
    if (this.#closing !== undefined) throw new MonitorClosedError();
    if (this.#running) return;
    this.#running = true;
    this.#schedule(++this.#run, 0);
  }

  /** Stops continuous cycles; a cycle under way finishes. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Runs `respawn`, which restarts the agent's process in its pane
   * (`agent.restart()`), with the monitor's output from that pane paused:
   * tmux 3.3a can crash when a pane is respawned while a control client has
   * its output still queued. The pane is captured afresh at the next cycle.
   *
   * @example
   * await checker.guardRespawn(agent, () => agent.restart());
   */
  async guardRespawn<T>(agent: Agent, respawn: () => Promise<T>): Promise<T> {
    const release = (await this.#monitors.of(agent)?.strategy.pauseOutput(agent.paneId)) ?? noop;
    try {
      return await respawn();
    } finally {
      release();
    }
  }

  /**
   * Stops, waits for the cycle under way, and closes the monitor strategies
   * (their control clients and hidden sessions). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.stop();
      await Promise.allSettled([this.#current, this.#queued]);
      await this.#monitors.close();
    })();
    return this.#closing;
  }

  /** Same as {@link HealthChecker.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #begin(): Promise<CycleReport> {
    const cycle = this.#cycle().finally(() => {
      if (this.#current === cycle) this.#current = undefined;
    });
    this.#current = cycle;
    return cycle;
  }

  #schedule(run: number, delayMs: number): void {
    this.#timer = setTimeout(() => void this.#tick(run), delayMs);
    this.#timer.unref();
  }

  async #tick(run: number): Promise<void> {
    this.#timer = undefined;
    const started = performance.now();
    const current = (): boolean => this.#running && this.#run === run;
    try {
      await this.check();
    } catch (error) {
      if (!current()) return;
      if (!(error instanceof OrchestratorError)) throw error;
      this.emit('error', error);
    }
    if (current()) this.#schedule(run, Math.max(0, this.#options.intervalMs - (performance.now() - started)));
  }

  async #cycle(): Promise<CycleReport> {
    const startedAt = Date.now();
    const started = performance.now();
    const cycle = ++this.#cycles;
    const agents = this.#options.agents();
    const outcomes = await this.#monitors.observe(agents);
    const now = Date.now();
    const events: (() => void)[] = [];
    const observed = new Map<Agent, AgentReport>();
    let captures = 0;
    let cacheHits = 0;
    let errors = 0;
    const reports = agents.map((monitored, i) => {
      const outcome = outcomes[i] as AgentOutcome;
      const before = this.#observed.get(monitored.agent);
      if (!outcome.ok) {
        errors++;
        if (before !== undefined) observed.set(monitored.agent, before);
        return failedReport(monitored, outcome.error, before, startedAt);
      }
      if (outcome.screen === 'captured') captures++;
      else if (outcome.screen === 'cached') cacheHits++;
      const report = this.#report(monitored, outcome, now);
      observed.set(monitored.agent, report);
      this.#changes(monitored.agent, report, before, events);
      return report;
    });
    this.#observed = observed;
    const report: CycleReport = {
      cycle,
      mode: this.mode,
      startedAt,
      durationMs: performance.now() - started,
      agents: reports,
      captures,
      cacheHits,
      errors,
      servers: this.#monitors.size,
    };
    this.#lastReport = report;
    this.#byName = undefined;
    publish(DIAGNOSTICS_CHANNELS.healthCycle, () => ({
      cycle,
      durationMs: report.durationMs,
      mode: this.mode,
      agents: reports.length,
      captures,
      errors,
      states: countStates(reports),
    }));
    for (const emit of events) emit();
    this.emit('cycle', report);
    return report;
  }

  #report(monitored: MonitoredAgent, outcome: AgentOutcome & { ok: true }, now: number): AgentReport {
    const { agent } = monitored;
    const { status } = outcome;
    return {
      agent: agent.name,
      kind: agent.kind,
      paneId: agent.paneId,
      state: status.state,
      since: status.since,
      lastOutputAt: outcome.lastOutputAt,
      health: classifyHealth({ state: status.state, quietMs: now - outcome.quietSince, stallAfterMs: this.#options.stallAfterMs }),
      detection: status.detection,
      captured: outcome.screen === 'captured',
    };
  }

  /** Queues the events a report calls for, compared with the agent's last observed report. */
  #changes(agent: Agent, report: AgentReport, before: AgentReport | undefined, events: (() => void)[]): void {
    const from = before?.state ?? 'starting';
    if (report.state !== from) events.push(() => this.emit('agent:state', { agent, report, from, to: report.state }));
    if (report.health === 'exited' && before?.health !== 'exited') events.push(() => this.emit('agent:exited', { agent, report }));
    if (report.health === 'stalled' && before?.health !== 'stalled') events.push(() => this.emit('agent:stalled', { agent, report }));
  }
}

/** The line of an agent that could not be observed: what was last observed stands. */
function failedReport(monitored: MonitoredAgent, error: OrchestratorError, before: AgentReport | undefined, startedAt: number): AgentReport {
  const { agent } = monitored;
  return {
    agent: agent.name,
    kind: agent.kind,
    paneId: agent.paneId,
    state: before?.state ?? 'starting',
    since: before?.since ?? startedAt,
    lastOutputAt: before?.lastOutputAt,
    health: 'failed',
    detection: before?.detection ?? { state: 'unknown', evidence: [`not observed: ${error.message}`] },
    captured: false,
    error,
  };
}

function countStates(reports: readonly AgentReport[]): Partial<Record<AgentState, number>> {
  const counts: Partial<Record<AgentState, number>> = {};
  for (const { state } of reports) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

function noop(): void {
  // nothing to do
}
