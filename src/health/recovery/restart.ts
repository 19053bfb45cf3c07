/**
 * The `restart` recovery: starts the agent's command again in its pane, after
 * an exponential backoff, and gives up when it crash-loops.
 *
 * @module
 */
import type { Agent } from '../../agents/agent.js';
import { InvalidOptionError } from '../../errors.js';
import { describeValue, integerAtLeast, positiveNumber } from '../../util/options.js';
import { strategyOptions } from './options.js';
import type { RecoveryAction, RecoveryContext, RecoveryStrategy } from './strategy.js';

/** Options of {@link restartRecovery}. */
export interface RestartOptions {
  /**
   * The wait before the first restart, in milliseconds.
   * @default 1000
   */
  readonly initialDelayMs?: number;
  /**
   * Each further attempt waits this many times longer (at least 1).
   * @default 2
   */
  readonly factor?: number;
  /**
   * The longest wait, in milliseconds (at least `initialDelayMs`).
   * @default 60000
   */
  readonly maxDelayMs?: number;
  /**
   * Restarts allowed within `windowMs`; one more exit gives up (`gave-up`).
   * @default 5
   */
  readonly maxRestarts?: number;
  /**
   * The crash-loop window, in milliseconds.
   * @default 600000 (10 minutes)
   */
  readonly windowMs?: number;
}

/** The backoff schedule of {@link RestartOptions}, resolved. */
export interface BackoffSchedule {
  /** See {@link RestartOptions.initialDelayMs}. */
  readonly initialDelayMs: number;
  /** See {@link RestartOptions.factor}. */
  readonly factor: number;
  /** See {@link RestartOptions.maxDelayMs}. */
  readonly maxDelayMs: number;
}

const NAME = 'restart';

/**
 * The wait before restart number `attempt` (from 1):
 * `min(maxDelayMs, initialDelayMs × factor^(attempt − 1))`.
 *
 * @example
 * backoffDelay(3, { initialDelayMs: 1000, factor: 2, maxDelayMs: 60000 }); // 4000
 */
export function backoffDelay(attempt: number, schedule: BackoffSchedule): number {
  return Math.min(schedule.maxDelayMs, schedule.initialDelayMs * schedule.factor ** Math.max(0, attempt - 1));
}

/**
 * Makes a `restart` recovery. The first call for a trigger schedules the
 * restart after the backoff for the context's `attempt`; the follow-up
 * restarts the agent (`agent.restart()`: its recorded command, in its pane
 * and working directory). Once `maxRestarts` restarts of one agent fall
 * within `windowMs`, it gives up instead (`gave-up`, reported by the manager
 * as `recovery:gave-up`). An adopted agent, which has no recorded command, is
 * `skipped`.
 *
 * @throws `InvalidOptionError` for an unknown or invalid option.
 * @example
 * const strategy = restartRecovery({ initialDelayMs: 500, maxRestarts: 3, windowMs: 60_000 });
 */
export function restartRecovery(options: RestartOptions = {}): RecoveryStrategy {
  strategyOptions(NAME, options, ['initialDelayMs', 'factor', 'maxDelayMs', 'maxRestarts', 'windowMs']);
  const initialDelayMs = positiveNumber('initialDelayMs', options.initialDelayMs, 1000);
  const factor = positiveNumber('factor', options.factor, 2);
  if (factor < 1) throw new InvalidOptionError(`Expected \`factor\` to be a number >= 1, got ${describeValue(factor)}`);
  const maxDelayMs = positiveNumber('maxDelayMs', options.maxDelayMs, Math.max(60_000, initialDelayMs));
  if (maxDelayMs < initialDelayMs) {
    throw new InvalidOptionError(`Expected \`maxDelayMs\` to be at least \`initialDelayMs\` (${initialDelayMs}), got ${describeValue(maxDelayMs)}`);
  }
  const maxRestarts = integerAtLeast('maxRestarts', options.maxRestarts, 5, 1);
  const windowMs = positiveNumber('windowMs', options.windowMs, 600_000);
  const schedule: BackoffSchedule = { initialDelayMs, factor, maxDelayMs };
  // Restart times per agent; an agent that leaves the fleet takes its history with it.
  const history = new WeakMap<Agent, number[]>();

  return {
    name: NAME,
    async recover(context: RecoveryContext): Promise<RecoveryAction> {
      const { agent } = context;
      if (agent.command.length === 0) {
        return { outcome: 'skipped', detail: 'the agent was adopted and has no recorded command to restart' };
      }
      const now = context.now();
      const recent = (history.get(agent) ?? []).filter((at) => now - at < windowMs);
      history.set(agent, recent);
      if (recent.length >= maxRestarts) {
        return { outcome: 'gave-up', restarts: recent.length, windowMs, detail: `crash loop: ${recent.length} restarts within ${windowMs} ms` };
      }
      if (context.scheduledFor === undefined) {
        const delay = backoffDelay(context.attempt, schedule);
        return { outcome: 'scheduled', retryAt: now + delay, detail: `restart in ${delay} ms (attempt ${context.attempt})` };
      }
      if (context.signal.aborted) return { outcome: 'skipped', detail: 'no longer needed: the agent left the state' };
      await agent.restart();
      recent.push(now);
      return { outcome: 'restarted', detail: `restart ${recent.length} of ${maxRestarts} allowed within ${windowMs} ms` };
    },
  };
}
