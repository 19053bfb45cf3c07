/**
 * What every benchmarked method shares: the fleet it reads, its options, and
 * the loop that checks one cycle's captures and then times the others.
 *
 * @module
 */
import { createClaudeCodeDetector } from '../../src/index.js';
import { LIGHT_AGENT_PROCESS_NAME } from '../../src/testing/fake-agent/light.js';
import type { Fleet } from '../fleet.js';

/** A fleet of light agents: every pane runs one named `pane N` (N its index). */
export interface AgentFleet extends Fleet {
  /** Indexes of the agents that print output all the time (`working`); the others are idle. */
  readonly active: ReadonlySet<number>;
}

/** How many cycles a method runs. */
export interface MethodOptions {
  /** Timed cycles. */
  readonly cycles: number;
  /**
   * Untimed cycles before them. The first cycle run, timed or not, is checked
   * (after its clock stops).
   * @default 0
   */
  readonly warmup?: number;
  /**
   * Stop after the timed cycle that ends this many ms after the first one
   * started (once {@link minCycles} have run), even short of `cycles`.
   * @default no budget: all `cycles`
   */
  readonly budgetMs?: number;
  /**
   * Timed cycles run whatever the budget.
   * @default 1
   */
  readonly minCycles?: number;
}

/** A way to read every agent of a fleet: returns the durations of its timed cycles in ms. */
export type Method = (fleet: AgentFleet, options: MethodOptions) => Promise<number[]>;

/** One cycle's screens, by {@link paneKey}. */
export type Captures = Map<string, readonly string[]>;

/** The key of pane `paneId` on server number `server` of the fleet. */
export function paneKey(server: number, paneId: string): string {
  return `${server} ${paneId}`;
}

const detector = createClaudeCodeDetector();
const PANE_NAME = /\bpane (\d+)\b/gu;

/**
 * Checks that `captures` holds the screen of every pane of the fleet and
 * nothing else: each reads as `working` (active agents) or `idle` to the
 * claude-code detector, and names its own agent and no other.
 */
export function verifyCaptures(method: string, fleet: AgentFleet, captures: Captures): void {
  if (captures.size !== fleet.panes.length) {
    throw new Error(`${method}: ${captures.size} screens captured for ${fleet.panes.length} panes`);
  }
  for (const pane of fleet.panes) {
    const lines = captures.get(paneKey(pane.server, pane.id));
    if (lines === undefined) throw new Error(`${method}: no screen for pane ${pane.index} (${pane.id} on server ${pane.server})`);
    const expected = fleet.active.has(pane.index) ? 'working' : 'idle';
    const { state } = detector.detect({ lines }, { paneDead: false, currentCommand: LIGHT_AGENT_PROCESS_NAME });
    const named = new Set([...lines.join('\n').matchAll(PANE_NAME)].map((match) => Number(match[1])));
    if (state !== expected || named.size !== 1 || !named.has(pane.index)) {
      throw new Error(
        `${method}: pane ${pane.index} (${pane.id}) read as ${state} naming agents [${[...named].join(', ')}], ` +
          `expected ${expected} naming ${pane.index} only:\n${lines.join('\n')}`,
      );
    }
  }
}

/**
 * Runs `cycle` `warmup` times untimed, then timed until `cycles` (or the
 * budget) are done, and checks what the first run captured; returns the
 * timed durations in ms.
 */
export async function timeCycles(method: string, fleet: AgentFleet, options: MethodOptions, cycle: () => Promise<Captures>): Promise<number[]> {
  const warmup = options.warmup ?? 0;
  const durations: number[] = [];
  let timedStart: number | undefined;
  for (let run = 0; durations.length < options.cycles; run++) {
    const start = performance.now();
    const captures = await cycle();
    if (run >= warmup) {
      timedStart ??= start;
      durations.push(performance.now() - start);
    }
    if (run === 0) verifyCaptures(method, fleet, captures);
    if (timedStart !== undefined && overBudget(options, durations.length, performance.now() - timedStart)) break;
  }
  return durations;
}

/** `true` once `elapsedMs` of timed cycles have used up the budget and at least `minCycles` ran. */
export function overBudget(options: MethodOptions, cyclesDone: number, elapsedMs: number): boolean {
  return options.budgetMs !== undefined && cyclesDone >= (options.minCycles ?? 1) && elapsedMs >= options.budgetMs;
}
