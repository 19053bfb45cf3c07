/**
 * The `node:diagnostics_channel` channels every module publishes on. Publishing
 * costs nothing while nobody subscribes; `MetricsCollector` is one subscriber,
 * and anyone can subscribe to the same names.
 *
 * Channels are process-wide: a subscriber sees the messages of every
 * orchestrator, pool and client in the process.
 *
 * @example
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DIAGNOSTICS_CHANNELS, type TmuxCommandMessage } from 'tmux-orchestrator';
 * subscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, (message) => {
 *   const { command, durationMs } = message as TmuxCommandMessage;
 *   console.log(command, durationMs);
 * });
 *
 * @module
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import type { AgentState } from './agents/state.js';

/**
 * The channel names, all under the `tmux-orchestrator:` prefix.
 *
 * @example
 * subscribe(DIAGNOSTICS_CHANNELS.delivery, (message) => {
 *   const { agent, ok, durationMs } = message as DeliveryMessage;
 *   if (!ok) console.warn(`delivery to ${agent} failed after ${durationMs} ms`);
 * });
 */
export const DIAGNOSTICS_CHANNELS = {
  /** One tmux command answered or failed: {@link TmuxCommandMessage}. */
  tmuxCommand: 'tmux-orchestrator:tmux:command',
  /** One cache lookup or change: {@link CacheMessage}. */
  cache: 'tmux-orchestrator:cache',
  /** One monitor cycle finished: {@link HealthCycleMessage}. */
  healthCycle: 'tmux-orchestrator:health:cycle',
  /** An agent's confirmed state changed: {@link AgentStateMessage}. */
  agentState: 'tmux-orchestrator:agent:state',
  /** One message delivered or failed: {@link DeliveryMessage}. */
  delivery: 'tmux-orchestrator:delivery',
  /** A recovery action ran: {@link RecoveryMessage}. */
  recovery: 'tmux-orchestrator:recovery',
  /** A scheduled job fired, was missed or failed: {@link SchedulerMessage}. */
  scheduler: 'tmux-orchestrator:scheduler',
} as const;

/** A tmux command finished. */
export interface TmuxCommandMessage {
  /** The tmux command name, e.g. `capture-pane`. */
  readonly command: string;
  /** From sending to the answer, in milliseconds. */
  readonly durationMs: number;
  /** `false` when tmux answered with an error, or the command timed out, was aborted or lost. */
  readonly ok: boolean;
  /** The error's code when it failed, e.g. `ERR_TMUX_COMMAND`. */
  readonly errorCode?: string;
}

/** A cache event in one layer. */
export interface CacheMessage {
  /** The layer, e.g. `pane_content`. */
  readonly layer: string;
  /**
   * What happened: a `hit`, a `miss` (a load follows), a `dedupe` (a miss that
   * joined a load already under way), an `eviction` (by size or TTL), an
   * `invalidation`.
   */
  readonly event: 'hit' | 'miss' | 'dedupe' | 'eviction' | 'invalidation';
  /**
   * How many entries it concerned. Lookups and evictions are published in
   * batches (one message per layer and event for the lookups of one
   * synchronous run, e.g. a monitor cycle's), invalidations as they happen.
   */
  readonly count: number;
}

/** A monitor cycle finished. */
export interface HealthCycleMessage {
  /** The cycle's number, from 1. */
  readonly cycle: number;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** `poll` or `events`. */
  readonly mode: string;
  /** Agents looked at. */
  readonly agents: number;
  /** Panes captured fresh. */
  readonly captures: number;
  /** Agents whose observation failed. */
  readonly errors: number;
  /** Agents per confirmed state after the cycle. */
  readonly states: Readonly<Partial<Record<AgentState, number>>>;
}

/** An agent's confirmed state changed. */
export interface AgentStateMessage {
  /** The agent's name. */
  readonly agent: string;
  /** Its kind. */
  readonly kind: string;
  /** The state before. */
  readonly from: AgentState;
  /** The state now. */
  readonly to: AgentState;
}

/** A message delivery finished. */
export interface DeliveryMessage {
  /** The agent's name. */
  readonly agent: string;
  /** `true` when the agent took the message. */
  readonly ok: boolean;
  /** From the call to the verified submit (or the failure), in milliseconds, queueing included. */
  readonly durationMs: number;
  /** Enter presses it took (0 when it failed before submitting). */
  readonly attempts: number;
  /** The error's code when it failed. */
  readonly errorCode?: string;
}

/** A recovery strategy acted on an agent. */
export interface RecoveryMessage {
  /** The agent's name. */
  readonly agent: string;
  /** The strategy's name, e.g. `restart`. */
  readonly strategy: string;
  /** What started it, e.g. `exited`. */
  readonly trigger: string;
  /** What it did, e.g. `restarted`, `gave-up`. */
  readonly outcome: string;
}

/** A scheduled job fired, was missed, or failed. */
export interface SchedulerMessage {
  /** `fired`, `missed` or `failed`. */
  readonly event: 'fired' | 'missed' | 'failed';
  /** The job's id. */
  readonly jobId: string;
  /** How late it fired (from its due time to its start), in milliseconds. */
  readonly lagMs: number;
}

/** The message type of each channel. */
export interface DiagnosticsMessages {
  /** See {@link TmuxCommandMessage}. */
  [DIAGNOSTICS_CHANNELS.tmuxCommand]: TmuxCommandMessage;
  /** See {@link CacheMessage}. */
  [DIAGNOSTICS_CHANNELS.cache]: CacheMessage;
  /** See {@link HealthCycleMessage}. */
  [DIAGNOSTICS_CHANNELS.healthCycle]: HealthCycleMessage;
  /** See {@link AgentStateMessage}. */
  [DIAGNOSTICS_CHANNELS.agentState]: AgentStateMessage;
  /** See {@link DeliveryMessage}. */
  [DIAGNOSTICS_CHANNELS.delivery]: DeliveryMessage;
  /** See {@link RecoveryMessage}. */
  [DIAGNOSTICS_CHANNELS.recovery]: RecoveryMessage;
  /** See {@link SchedulerMessage}. */
  [DIAGNOSTICS_CHANNELS.scheduler]: SchedulerMessage;
}

/** A channel name. */
export type DiagnosticsChannelName = keyof DiagnosticsMessages;

const channels = new Map<string, Channel>();

/**
 * Publishes on one of the library's channels; free when nobody subscribes
 * (the message is not even built: pass a function).
 *
 * @internal
 */
export function publish<N extends DiagnosticsChannelName>(name: N, message: () => DiagnosticsMessages[N]): void {
  let target = channels.get(name);
  if (target === undefined) {
    target = channel(name);
    channels.set(name, target);
  }
  if (target.hasSubscribers) target.publish(message());
}
