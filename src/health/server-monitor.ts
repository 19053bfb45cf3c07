/**
 * One server's part of a monitor cycle: sync the strategy, list the panes
 * once, capture the panes that need it, and run each agent's detector.
 *
 * @module
 */
import PQueue from 'p-queue';
import type { AgentStatus } from '../agents/agent.js';
import { paneObserver } from '../agents/delivery/observe.js';
import { isShell } from '../agents/detectors/process-exit.js';
import type { Detection, ProcessFacts, Screen } from '../agents/state.js';
import { ConnectionClosedError, OrchestratorError, TmuxCommandError } from '../errors.js';
import { capturePaneCommand, displayMessageCommand, type TmuxClient } from '../tmux/client.js';
import { ControlConnection } from '../tmux/connection.js';
import type { CommandRunner } from '../tmux/runner.js';
import { Deadline, EXPIRED } from './deadline.js';
import { ObservationTimeoutError } from './errors.js';
import type { MonitoredPane, MonitorStrategy, SyncReads } from './monitor.js';
import type { MonitoredAgent } from './monitored-agent.js';
import { isOrphaned, listPaneFacts, type PaneFacts } from './pane-facts.js';
import type { ServerScreens } from './screens.js';
import { sameStrings } from '../util/arrays.js';

/** What one cycle found about one agent. */
export type AgentOutcome =
  | {
      readonly ok: true;
      /** The confirmed status after this observation. */
      readonly status: AgentStatus;
      /** Where the screen came from: captured in this cycle, served from the cache, or none (the pane is gone). */
      readonly screen: 'captured' | 'cached' | 'none';
      /** When the pane last wrote output, when known. */
      readonly lastOutputAt: number | undefined;
      /** Since when the pane has been quiet (its last output, or when it was first seen). */
      readonly quietSince: number;
    }
  | { readonly ok: false; readonly error: OrchestratorError };

/** What the monitor remembers of a pane between cycles. */
interface PaneMemory {
  /** As the strategy is told at the next sync. */
  readonly pane: { -readonly [K in keyof MonitoredPane]: MonitoredPane[K] };
  /** The facts of the previous cycle. */
  facts: PaneFacts | undefined;
  /** The foreground process, as last read. */
  currentCommand: string;
  /** When its screen was last captured. */
  capturedAt: number | undefined;
  /** The detector's verdict on a screen (the very array cached), and the facts it was given. */
  read: { readonly lines: readonly string[]; readonly detection: Detection; readonly facts: ProcessFacts } | undefined;
  readonly firstSeenAt: number;
}

/**
 * A listing may leave out the panes' foreground processes (reading them is
 * most of a listing's cost in tmux). Then a pane's process is read when its
 * screen is captured (unless the strategy says the pane prints at every
 * cycle), at every cycle while a shell is in front (a shell agent, or a
 * program starting or gone, whose state rests on the process), and
 * otherwise at least once every this many cycles: a program rarely changes
 * without printing anything.
 */
const COMMAND_REFRESH_CYCLES = 16;

/** A pane's foreground process, as tmux names it. */
const PROCESS_FORMAT = '#{pane_current_command}';

/** A capture's result: the screen, `undefined` for a pane gone since the listing, or the error. */
type CaptureResult = readonly string[] | undefined | OrchestratorError;

/** Options of {@link ServerMonitor}. @internal */
export interface ServerMonitorOptions {
  readonly client: TmuxClient;
  readonly strategy: MonitorStrategy;
  readonly screens: ServerScreens;
  readonly captureConcurrency: number;
  readonly observeTimeoutMs: number;
}

/**
 * Observes the agents of one server, cycle after cycle. Never throws for
 * tmux trouble: an agent that could not be observed gets a failed outcome.
 *
 * @internal
 */
export class ServerMonitor {
  /** The server's monitor strategy. */
  readonly strategy: MonitorStrategy;
  readonly #options: ServerMonitorOptions;
  readonly #queue: PQueue;
  #panes = new Map<string, PaneMemory>();
  #cycles = 0;

  constructor(options: ServerMonitorOptions) {
    this.#options = options;
    this.strategy = options.strategy;
    this.#queue = new PQueue({ concurrency: options.captureConcurrency });
  }

  /** The screen the latest cycle read for the pane (captured or from the cache), if any. */
  screen(paneId: string): readonly string[] | undefined {
    return this.#panes.get(paneId)?.read?.lines;
  }

  /** One cycle for `agents` (all on this server); outcomes in the same order. */
  async observe(agents: readonly MonitoredAgent[]): Promise<AgentOutcome[]> {
    const deadline = new Deadline(this.#options.observeTimeoutMs);
    try {
      return await this.#observe(agents, deadline);
    } catch (error) {
      if (!(error instanceof OrchestratorError)) throw error;
      return agents.map(() => ({ ok: false, error }));
    } finally {
      deadline.clear();
    }
  }

  async #observe(agents: readonly MonitoredAgent[], deadline: Deadline): Promise<AgentOutcome[]> {
    const timedOut = (): AgentOutcome[] => agents.map(({ agent }) => this.#timedOut(agent.paneId));
    const memories = this.#memories(agents);
    // Each pane's foreground process is read at least every COMMAND_REFRESH_CYCLES cycles, and every cycle
    // while a shell is in front; and whenever its screen is captured (the process as of now).
    const turn = this.#cycles++ % COMMAND_REFRESH_CYCLES;
    const periodic = memories.filter((memory, i) => i % COMMAND_REFRESH_CYCLES === turn || isShell(memory.currentCommand)).map((memory) => memory.pane.paneId);
    const captures = new Map<string, Promise<CaptureResult>>();
    const reads = new Map<string, Promise<string | undefined>>();
    const syncReads: SyncReads = {
      capture: (paneIds, runner, options) => {
        const fresh = paneIds.filter((paneId) => !captures.has(paneId));
        const busy = new Set(options?.busy);
        const reading = new Set(fresh.filter((paneId) => !busy.has(paneId)));
        for (const paneId of periodic) reading.add(paneId);
        this.#startReads([...reading], runner, reads);
        for (const paneId of fresh) {
          const capture = this.#capture(paneId, runner);
          capture.catch(noop); // awaited below, unless the deadline passes first
          captures.set(paneId, capture);
        }
      },
    };
    const synced = await deadline.race(this.strategy.sync(memories.map((memory) => memory.pane), syncReads));
    if (synced === EXPIRED) return timedOut();
    // Unless the strategy listed every pane, the listing runs while the first captures are made.
    const complete = synced !== undefined && memories.every((memory) => synced.has(memory.pane.paneId));
    const listing = complete ? Promise.resolve(synced) : listPaneFacts(this.#options.client);
    listing.catch(noop);

    // First round: the panes the strategy (or the cache) says changed, unless read at sync.
    const cached = new Map<string, readonly string[]>();
    const first = new Set<string>();
    for (const memory of memories) {
      const { paneId } = memory.pane;
      if (first.has(paneId) || cached.has(paneId) || captures.has(paneId)) continue;
      const lines = memory.facts === undefined || this.strategy.needsCapture(paneId) ? undefined : this.#options.screens.get(paneId);
      if (lines === undefined) first.add(paneId);
      else cached.set(paneId, lines);
    }
    // The panes being captured need their foreground process as of now, which the listing may not have read:
    // read from the strategy's facts, ahead of the captures; from the checker's own listing, once it is in.
    const due = [...periodic, ...first].filter((paneId) => !reads.has(paneId));
    const reading = complete ? this.#readCommands(synced, due, reads) : undefined;
    reading?.catch(noop);
    if (!(await this.#startCaptures([...first], captures, deadline))) return timedOut();
    const facts = await deadline.race(listing);
    if (facts === EXPIRED) return timedOut();
    const commands = await deadline.race(reading ?? this.#readCommands(facts, due, reads));
    if (commands === EXPIRED) return timedOut();
    // Second round: the panes whose facts call for a fresh screen.
    const second: string[] = [];
    for (const memory of memories) {
      const pane = facts.get(memory.pane.paneId);
      if (pane !== undefined && this.#remember(memory, pane, commands) && cached.delete(memory.pane.paneId)) second.push(memory.pane.paneId);
    }
    if (!(await this.#startCaptures(second, captures, deadline))) return timedOut();
    const captured = new Map<string, CaptureResult>();
    await deadline.race(Promise.all([...captures].map(async ([paneId, capture]) => captured.set(paneId, await capture))));

    const outcomes: AgentOutcome[] = [];
    const gone: Promise<void>[] = [];
    agents.forEach((monitored, i) => {
      const { paneId } = monitored.agent;
      const pane = facts.get(paneId);
      const fresh = captures.has(paneId);
      const result = fresh ? captured.get(paneId) : cached.get(paneId);
      if (pane !== undefined && fresh && !captured.has(paneId)) outcomes[i] = this.#timedOut(paneId);
      else if (result instanceof OrchestratorError) outcomes[i] = { ok: false, error: result };
      else if (pane !== undefined && result !== undefined) outcomes[i] = this.#detect(monitored, pane, result, fresh ? 'captured' : 'cached');
      else gone.push(this.#observeGone(monitored).then((outcome) => void (outcomes[i] = outcome)));
    });
    if (gone.length > 0 && (await deadline.race(Promise.all(gone))) === EXPIRED) {
      agents.forEach(({ agent }, i) => (outcomes[i] ??= this.#timedOut(agent.paneId)));
    }
    return outcomes;
  }

  /** Lets the strategy prepare, then starts capturing `paneIds`; `false` when the deadline passed first. */
  async #startCaptures(paneIds: readonly string[], captures: Map<string, Promise<CaptureResult>>, deadline: Deadline): Promise<boolean> {
    if (paneIds.length === 0) return true;
    if ((await deadline.race(this.strategy.beforeCapture(paneIds))) === EXPIRED) return false;
    for (const paneId of paneIds) {
      const capture = this.#capture(paneId);
      capture.catch(noop); // awaited below, unless the deadline passes first
      captures.set(paneId, capture);
    }
    return true;
  }

  /**
   * Runs the agent's detector on a screen and records the detection. The
   * facts are as of the capture (`now`, `idleMs`). A screen that is the very
   * one the detector last read (served from the cache, or captured again
   * unchanged, which keeps the cached array), with the same process facts,
   * gets the same verdict from a pure detector: that verdict is recorded
   * once more, as of its first reading.
   */
  #detect(monitored: MonitoredAgent, pane: PaneFacts, lines: readonly string[], screen: 'captured' | 'cached'): AgentOutcome {
    const memory = this.#panes.get(pane.paneId) as PaneMemory;
    const lastOutputAt = this.strategy.lastOutputAt(pane.paneId);
    const at = Date.now();
    let read = memory.read;
    if (
      read === undefined ||
      read.lines !== lines ||
      read.facts.paneDead !== pane.dead ||
      read.facts.deadStatus !== pane.deadStatus ||
      read.facts.currentCommand !== memory.currentCommand
    ) {
      const now = memory.capturedAt ?? at;
      const facts: { -readonly [K in keyof ProcessFacts]: ProcessFacts[K] } = { paneDead: pane.dead, currentCommand: memory.currentCommand, now };
      if (pane.deadStatus !== undefined) facts.deadStatus = pane.deadStatus;
      if (lastOutputAt !== undefined) facts.idleMs = Math.max(0, now - lastOutputAt);
      read = memory.read = { lines, detection: detect(monitored, { lines }, facts), facts };
    }
    const { detection, facts } = read;
    const status = monitored.record(detection, facts, at);
    return { ok: true, status, screen, lastOutputAt, quietSince: lastOutputAt ?? memory.firstSeenAt };
  }

  /** Captures a pane's screen into the cache: the lines, `undefined` when the pane is gone, or the error. */
  async #capture(paneId: string, runner?: CommandRunner): Promise<CaptureResult> {
    const { client, screens } = this.#options;
    let lines: string[];
    try {
      lines = await (runner === undefined ? this.#queue.add(() => client.capturePane(paneId)) : runner.run(capturePaneCommand(paneId), { readOnly: true }));
    } catch (error) {
      if (error instanceof TmuxCommandError) return undefined; // `can't find pane`: killed since the listing
      if (runner !== undefined && error instanceof ConnectionClosedError) return this.#capture(paneId); // the strategy's connection died
      if (error instanceof OrchestratorError) return error;
      throw error;
    }
    const at = Date.now();
    const memory = this.#panes.get(paneId);
    // The screen read last: cached, or (when the strategy does not keep it) the one the detector last read.
    const previous = screens.peek(paneId) ?? memory?.read?.lines;
    const changed = previous === undefined || !sameStrings(previous, lines);
    // An unchanged screen keeps the array read before: the new one dies young, and a long-lived one is not replaced every cycle.
    const screen = changed ? lines : previous;
    screens.set(paneId, screen, this.strategy.screenTtlMs);
    if (memory !== undefined) memory.capturedAt = at;
    this.strategy.captured(paneId, changed, at);
    return screen;
  }

  /**
   * The foreground process of the panes read at sync (`reads`), and of the
   * listed panes among `paneIds` whose process the listing left out.
   */
  async #readCommands(facts: ReadonlyMap<string, PaneFacts>, paneIds: readonly string[], reads: ReadonlyMap<string, Promise<string | undefined>>): Promise<Map<string, string>> {
    const all = new Map(reads);
    for (const paneId of paneIds) {
      const pane = facts.get(paneId);
      if (pane !== undefined && pane.currentCommand === undefined && !all.has(paneId)) all.set(paneId, this.#readCommand(paneId));
    }
    const commands = new Map<string, string>();
    await Promise.all([...all].map(async ([paneId, read]) => {
      const command = await read;
      if (command !== undefined) commands.set(paneId, command);
    }));
    return commands;
  }

  /**
   * Starts reading the foreground process of each of `paneIds` on `runner`
   * into `reads`: on a control connection, as one command line
   * (`runSequence`); one by one when the runner takes single commands, or
   * when the line fails or its answer does not line up with the panes (a
   * pane gone since the listing answers with an empty line).
   */
  #startReads(paneIds: readonly string[], runner: CommandRunner, reads: Map<string, Promise<string | undefined>>): void {
    const sequence =
      runner instanceof ControlConnection && paneIds.length > 1
        ? runner
            .runSequence(paneIds.map((paneId) => displayMessageCommand(`#{pane_id} ${PROCESS_FORMAT}`, paneId)))
            .then((lines) => processesByPane(paneIds, lines), () => undefined)
        : Promise.resolve(undefined);
    for (const paneId of paneIds) {
      const read = sequence.then((processes) => (processes === undefined ? this.#readCommand(paneId, runner) : processes.get(paneId)));
      read.catch(noop); // awaited later, unless the deadline passes first
      reads.set(paneId, read);
    }
  }

  /** The pane's foreground process, read on `runner` (or the client); `undefined` for a pane gone (its capture says so). */
  async #readCommand(paneId: string, runner?: CommandRunner): Promise<string | undefined> {
    try {
      return (await (runner ?? this.#options.client).run(displayMessageCommand(PROCESS_FORMAT, paneId), { readOnly: true })).join('\n');
    } catch (error) {
      if (error instanceof TmuxCommandError) return undefined;
      if (runner !== undefined && error instanceof ConnectionClosedError) return this.#readCommand(paneId); // the strategy's connection died
      throw error;
    }
  }

  /** A pane missing from the listing (or vanished before its capture): look at it as deliveries do, which sees it dead. */
  async #observeGone(monitored: MonitoredAgent): Promise<AgentOutcome> {
    const { agent, client, detector } = monitored;
    try {
      const observation = await paneObserver(client, agent.paneId, detector)();
      const status = monitored.record(observation.detection, observation.facts, Date.now());
      const lastOutputAt = this.strategy.lastOutputAt(agent.paneId);
      const quietSince = lastOutputAt ?? this.#panes.get(agent.paneId)?.firstSeenAt ?? Date.now();
      return { ok: true, status, screen: 'none', lastOutputAt, quietSince };
    } catch (error) {
      if (error instanceof OrchestratorError) return { ok: false, error };
      throw error;
    }
  }

  /** The memory of each agent's pane (made for new panes; panes no longer monitored are forgotten). */
  #memories(agents: readonly MonitoredAgent[]): PaneMemory[] {
    const now = Date.now();
    const panes = new Map<string, PaneMemory>();
    const memories = agents.map(({ agent }) => {
      const memory = this.#panes.get(agent.paneId) ??
        panes.get(agent.paneId) ?? { pane: { paneId: agent.paneId, windowId: undefined, orphaned: false }, facts: undefined, currentCommand: '', capturedAt: undefined, read: undefined, firstSeenAt: now };
      panes.set(agent.paneId, memory);
      return memory;
    });
    this.#panes = panes;
    this.#options.screens.retain(panes);
    return memories;
  }

  /**
   * Records the pane's facts (a foreground process the listing did not read
   * is the one read before); `true` when its screen must be captured
   * whatever the strategy says: it moved to a window the monitor may not have
   * watched yet, or its process changed (tmux repaints a dead pane without output).
   */
  #remember(memory: PaneMemory, pane: PaneFacts, commands: ReadonlyMap<string, string>): boolean {
    const before = memory.facts;
    const read = pane.currentCommand ?? commands.get(pane.paneId);
    const commandChanged = read !== undefined && read !== memory.currentCommand;
    if (read !== undefined) memory.currentCommand = read;
    memory.facts = pane;
    memory.pane.windowId = pane.windowId;
    memory.pane.orphaned = isOrphaned(pane);
    return (
      before === undefined ||
      before.windowId !== pane.windowId ||
      before.dead !== pane.dead ||
      before.deadStatus !== pane.deadStatus ||
      commandChanged
    );
  }

  #timedOut(paneId: string): AgentOutcome {
    return { ok: false, error: new ObservationTimeoutError(paneId, this.#options.observeTimeoutMs) };
  }
}

/**
 * The process of each pane from the reply of a sequence of reads, one line
 * `%N name` per pane in order; `undefined` when the lines do not line up
 * with the panes (a process name holding a newline).
 */
function processesByPane(paneIds: readonly string[], lines: readonly string[]): Map<string, string> | undefined {
  if (lines.length !== paneIds.length) return undefined;
  const processes = new Map<string, string>();
  for (const [i, paneId] of paneIds.entries()) {
    const line = lines[i] as string;
    if (!line.startsWith(`${paneId} `)) return undefined;
    processes.set(paneId, line.slice(paneId.length + 1));
  }
  return processes;
}

/** The agent's detector's verdict; a detector that throws reads as `unknown`, with the error as evidence. */
function detect(monitored: MonitoredAgent, screen: Screen, facts: ProcessFacts): Detection {
  try {
    return monitored.detector.detect(screen, facts);
  } catch (error) {
    return { state: 'unknown', evidence: [`detector ${monitored.detector.name} failed: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function noop(): void {
  // a rejection handled elsewhere
}
