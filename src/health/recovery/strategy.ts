/**
 * The recovery contract: what a strategy is told about an agent in trouble,
 * and what it reports back. The `RecoveryManager` decides which strategy
 * handles which trigger and runs them; strategies only act.
 *
 * @module
 */
import type { Agent } from '../../agents/agent.js';
import type { AgentReport } from '../report.js';

/**
 * What calls for recovery:
 * - `exited`: the agent's exit was confirmed;
 * - `stalled`: `working` with no output for longer than the stall time;
 * - `rate-limited`: the agent's API told it to wait (see `Detection.resetAt`);
 * - `errored`: the agent shows an error it will not retry by itself.
 */
export type RecoveryTrigger = 'exited' | 'stalled' | 'rate-limited' | 'errored';

/**
 * Every {@link RecoveryTrigger}, in a stable order.
 *
 * @example
 * const policy = recovery.policyFor(eng);
 * for (const trigger of RECOVERY_TRIGGERS) console.log(trigger, policy[trigger]);
 */
export const RECOVERY_TRIGGERS: readonly RecoveryTrigger[] = ['exited', 'stalled', 'rate-limited', 'errored'];

/** What a strategy knows when it is called. */
export interface RecoveryContext {
  /** The agent in trouble. */
  readonly agent: Agent;
  /** What happened to it. */
  readonly trigger: RecoveryTrigger;
  /** Its line in the monitor cycle that noticed (state, detection with evidence and reset time). */
  readonly report: AgentReport;
  /**
   * How many times this trigger has struck this agent since it was last seen
   * healthy for a while, this time included (1 the first time).
   */
  readonly attempt: number;
  /**
   * Set when this call is the follow-up a `scheduled` action asked for: that
   * action's `retryAt`. `undefined` on the first call for a trigger.
   */
  readonly scheduledFor: number | undefined;
  /**
   * Aborted when the call's work is no longer wanted: the agent left the
   * trigger's state or the fleet, or the manager closed.
   */
  readonly signal: AbortSignal;
  /** Another agent of the fleet by name (a supervisor to escalate to), or `undefined`. */
  lookup(name: string): Agent | undefined;
  /** The time now, ms since the epoch. */
  now(): number;
}

/** What a strategy did. */
export type RecoveryOutcome = 'restarted' | 'resumed' | 'notified' | 'escalated' | 'scheduled' | 'gave-up' | 'skipped';

/**
 * What a strategy did:
 * - `restarted`: the agent's command was started again in its pane;
 * - `resumed`: a message was sent to get it going again (after a rate limit);
 * - `notified`: nothing was done to the agent; the action itself is the notice;
 * - `escalated`: a supervisor agent was told (`supervisor`, `message`);
 * - `scheduled`: the strategy acts at `retryAt` (a backoff, a reset time): the
 *   manager calls it again then, unless the agent has left the state by then;
 * - `gave-up`: a crash-loop cap was hit (`restarts` within `windowMs`);
 * - `skipped`: nothing could or needed to be done (`detail` says why).
 */
export type RecoveryAction =
  | {
      /** See {@link RecoveryAction}. */
      readonly outcome: 'restarted' | 'resumed' | 'notified' | 'skipped';
      /** A few words on what was done, or why not. */
      readonly detail?: string;
    }
  | {
      /** See {@link RecoveryAction}. */
      readonly outcome: 'scheduled';
      /** When to be called again, ms since the epoch. */
      readonly retryAt: number;
      /** A few words on what will be done then. */
      readonly detail?: string;
    }
  | {
      /** See {@link RecoveryAction}. */
      readonly outcome: 'escalated';
      /** The supervisor agent's name. */
      readonly supervisor: string;
      /** The message it was sent. */
      readonly message: string;
      /** A few words on what was done. */
      readonly detail?: string;
    }
  | {
      /** See {@link RecoveryAction}. */
      readonly outcome: 'gave-up';
      /** Restarts made within the window. */
      readonly restarts: number;
      /** The window, in milliseconds. */
      readonly windowMs: number;
      /** Why. */
      readonly detail?: string;
    };

/** Brings an agent back, or tells someone it needs help. */
export interface RecoveryStrategy {
  /** The strategy's name, e.g. `restart`. */
  readonly name: string;
  /**
   * Acts on one agent. Throwing (a tmux error, a missing supervisor) is
   * reported by the manager as `recovery:failed`.
   */
  recover(context: RecoveryContext): Promise<RecoveryAction>;
}

/** Makes a recovery strategy; `options` are the strategy's own. */
export type RecoveryFactory = (options?: Readonly<Record<string, unknown>>) => RecoveryStrategy;

/** The recovery strategy names the type system knows; plugins add theirs by declaration merging. */
export interface RecoveryStrategyNames {
  /** Start the agent's command again, with exponential backoff and a crash-loop cap. */
  restart: true;
  /** Event only. */
  notify: true;
  /** Send a message to a supervisor agent. */
  escalate: true;
  /** Send a message once a rate limit resets. */
  resume: true;
}

/** A known recovery strategy name. */
export type RecoveryStrategyName = keyof RecoveryStrategyNames & string;

declare module '../../strategies/registry.js' {
  interface StrategyKinds {
    /** Acts on an agent in trouble; registered under the strategy's name. */
    recovery: RecoveryFactory;
  }
}
