/**
 * What a `RecoveryManager` keeps per agent: the triggers being handled, the
 * attempt counts, and whether a restart took.
 *
 * @internal
 */
import type { AgentState } from '../../agents/state.js';
import type { AgentReport } from '../report.js';
import type { RecoveryStrategy, RecoveryTrigger } from './strategy.js';

/** One trigger being handled for one agent: queued, running, or waiting for its follow-up. */
export interface RecoveryJob {
  /** What it handles. */
  readonly trigger: RecoveryTrigger;
  /** The strategy's registered name. */
  readonly strategyName: string;
  /** The strategy, fixed when the trigger struck (a policy change does not move a follow-up). */
  readonly strategy: RecoveryStrategy;
  /** The report of the event that started it. */
  readonly report: AgentReport;
  /** The attempt number it was given. */
  readonly attempt: number;
  /** Aborted when it is no longer wanted. */
  readonly controller: AbortController;
  /** Where it is. */
  phase: 'queued' | 'running' | 'waiting';
  /** Cancels the follow-up timer while `waiting`. */
  cancelTimer: (() => void) | undefined;
}

/** The state an agent is in while a trigger holds; leaving it cancels what was planned for the trigger. */
const TRIGGER_STATE: Readonly<Record<RecoveryTrigger, AgentState>> = {
  exited: 'exited',
  stalled: 'working',
  'rate-limited': 'rate-limited',
  errored: 'errored',
};

/** States in which an agent counts as healthy, for resetting its attempts. */
const HEALTHY_STATES: ReadonlySet<AgentState> = new Set(['idle', 'working', 'waiting']);

/** Cycles in a row that must still see the agent dead after a restart before that counts as a new exit. */
const DEAD_AFTER_RESTART = 2;

/** Recovery bookkeeping for one agent. */
export class AgentRecovery {
  /** The agent's actions, one after the other. */
  chain: Promise<void> = Promise.resolve();
  /** Triggers being handled. */
  readonly jobs = new Set<RecoveryJob>();
  readonly #attempts = new Map<RecoveryTrigger, number>();
  #healthySince: number | undefined;
  #restartedAt: number | undefined;
  #deadSightings = 0;

  /** Nothing is being handled or remembered: the record can go. */
  get idle(): boolean {
    return this.jobs.size === 0 && this.#attempts.size === 0 && this.#restartedAt === undefined;
  }

  /** `true` when a job for `trigger` is queued or waiting (not acted on yet): a repeated event adds nothing. */
  handling(trigger: RecoveryTrigger): boolean {
    for (const job of this.jobs) if (job.trigger === trigger && job.phase !== 'running' && !job.controller.signal.aborted) return true;
    return false;
  }

  /** Counts one more strike of `trigger` and returns its attempt number. */
  strike(trigger: RecoveryTrigger): number {
    const attempt = (this.#attempts.get(trigger) ?? 0) + 1;
    this.#attempts.set(trigger, attempt);
    this.#healthySince = undefined;
    if (trigger === 'exited') this.#restartedAt = undefined;
    return attempt;
  }

  /** Adds a job, which leaves the set by itself if it is aborted while waiting. */
  add(job: RecoveryJob): void {
    job.controller.signal.addEventListener(
      'abort',
      () => {
        job.cancelTimer?.();
        if (job.phase === 'waiting') this.jobs.delete(job);
      },
      { once: true },
    );
    this.jobs.add(job);
  }

  /** The agent's confirmed state left `state`: what was planned for triggers of that state is cancelled. */
  left(state: AgentState): void {
    for (const job of this.jobs) if (TRIGGER_STATE[job.trigger] === state) job.controller.abort();
    if (state === 'exited') this.#restartedAt = undefined;
  }

  /** The agent was restarted at `at`: watch that it comes back. */
  restarted(at: number): void {
    this.#restartedAt = at;
    this.#deadSightings = 0;
  }

  /**
   * Takes the agent's line of a cycle that started at `startedAt` and ended
   * at `at`. Resets the attempts once the agent has been healthy for
   * `resetAfterMs`. Returns `true` when cycles started after a restart have
   * seen it dead {@link DEAD_AFTER_RESTART} times in a row: a program that
   * dies at once never shows the monitor another state, so its confirmed
   * state stays `exited` and no new exit is reported.
   */
  observe(line: AgentReport, startedAt: number, at: number, resetAfterMs: number): boolean {
    let diedAgain = false;
    if (this.#restartedAt !== undefined && startedAt >= this.#restartedAt) {
      if (line.state === 'exited' && line.detection.state === 'exited') diedAgain = ++this.#deadSightings >= DEAD_AFTER_RESTART;
      else this.#deadSightings = 0;
    }
    if (line.health === 'healthy' && HEALTHY_STATES.has(line.state)) {
      this.#healthySince ??= at;
      if (at - this.#healthySince >= resetAfterMs) {
        this.#attempts.clear();
        this.#healthySince = undefined;
      }
    } else this.#healthySince = undefined;
    return diedAgain;
  }

  /** Aborts every job. */
  abortAll(): void {
    for (const job of this.jobs) job.controller.abort();
  }
}
