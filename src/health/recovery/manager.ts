/**
 * `RecoveryManager`: listens to a monitor's events and runs the recovery
 * strategy its policy names for each agent in trouble, one action at a time
 * per agent.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { Agent } from '../../agents/agent.js';
import { DIAGNOSTICS_CHANNELS, publish } from '../../diagnostics.js';
import { InvalidOptionError } from '../../errors.js';
import type { StrategyRegistry } from '../../strategies/registry.js';
import { describeValue, positiveNumber } from '../../util/options.js';
import type { AgentHealthEvent, AgentHealthStateEvent, HealthCheckerEvents } from '../events.js';
import type { AgentReport, CycleReport } from '../report.js';
import { AgentRecovery, type RecoveryJob } from './agent-recovery.js';
import { RecoveryError } from './errors.js';
import type { RecoveryEvents } from './events.js';
import { RecoveryPolicies } from './policies.js';
import { ruleStrategy, type RecoveryPolicy } from './policy.js';
import type { RecoveryAction, RecoveryContext, RecoveryStrategy, RecoveryTrigger } from './strategy.js';
import { timerAt } from './timer.js';

/** The monitor events recovery starts from: a `HealthChecker`, or any emitter of its events. */
export type RecoverySource = Pick<EventEmitter<HealthCheckerEvents>, 'on' | 'off'>;

/** Agents by name: the `Orchestrator` is one. */
export interface AgentDirectory {
  /** The agent with this name, or `undefined`. */
  get(name: string): Agent | undefined;
}

/** Options of {@link RecoveryManager}. */
export interface RecoveryManagerOptions {
  /** Where `agent:exited`, `agent:stalled`, `agent:state` and `cycle` come from. */
  readonly source: RecoverySource;
  /**
   * The fleet. Agents it no longer returns (killed, removed) are left alone,
   * and `escalate` finds supervisors in it. Pass the `Orchestrator`.
   */
  readonly fleet: AgentDirectory;
  /**
   * Where strategies are looked up by name.
   * @default a registry holding the built-in strategies
   */
  readonly registry?: StrategyRegistry;
  /** Strategies per trigger for every agent, over {@link DEFAULT_RECOVERY_POLICY}. */
  readonly policy?: Partial<RecoveryPolicy>;
  /** Strategies per trigger per agent kind, over {@link DEFAULT_KIND_POLICIES} and `policy`. */
  readonly kinds?: Readonly<Record<string, Partial<RecoveryPolicy>>>;
  /** Strategies per trigger per agent name, over everything else (see {@link RecoveryManager.setPolicy}). */
  readonly agents?: Readonly<Record<string, Partial<RecoveryPolicy>>>;
  /**
   * Options per strategy name, e.g. `{ restart: { maxRestarts: 3 }, escalate: { supervisor: 'pm' } }`.
   * @default each strategy's defaults
   */
  readonly strategies?: Readonly<Record<string, object>>;
  /**
   * An agent seen healthy (idle, working or waiting) for this long, in
   * milliseconds, starts counting attempts (and backoff) from 1 again.
   * @default 60000
   */
  readonly resetAfterMs?: number;
}

/**
 * Recovers agents from what a monitor reports: `agent:exited` → `exited`,
 * `agent:stalled` → `stalled`, `agent:state` into `rate-limited` or
 * `errored`. The strategy for a trigger comes from the agent's policy (its
 * own overrides, then its kind's, then the defaults). Actions on one agent
 * run one at a time; a `scheduled` action is called back at its `retryAt`
 * unless the agent leaves the trigger's state (or the fleet) first; one
 * follow-up waits per agent. Every action is a `recovery` event and a
 * diagnostics message.
 *
 * @example
 * const recovery = new RecoveryManager({ source: checker, fleet: orc, strategies: { escalate: { supervisor: 'pm' } } });
 * recovery.setPolicy('eng-1', { stalled: 'escalate' });
 * recovery.on('recovery', ({ agent, trigger, action }) => console.log(agent.name, trigger, action.outcome));
 * recovery.on('recovery:gave-up', ({ agent, restarts }) => console.error(`${agent.name} crash-loops (${restarts} restarts)`));
 */
export class RecoveryManager extends EventEmitter<RecoveryEvents> {
  readonly #source: RecoverySource;
  readonly #fleet: AgentDirectory;
  readonly #policies: RecoveryPolicies;
  readonly #resetAfterMs: number;
  readonly #tracked = new Map<Agent, AgentRecovery>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @throws `InvalidOptionError` for an invalid option, policy or strategy option; `UnknownStrategyError` for an unknown strategy. */
  constructor(options: RecoveryManagerOptions) {
    super();
    const { source, fleet } = options ?? {};
    if (typeof source?.on !== 'function' || typeof source.off !== 'function') {
      throw new InvalidOptionError(`Expected \`source\` to be an emitter of the health checker's events, got ${describeValue(source)}`);
    }
    if (typeof fleet?.get !== 'function') throw new InvalidOptionError(`Expected \`fleet\` to look agents up by name, got ${describeValue(fleet)}`);
    this.#source = source;
    this.#fleet = fleet;
    this.#resetAfterMs = positiveNumber('resetAfterMs', options.resetAfterMs, 60_000);
    this.#policies = new RecoveryPolicies(options);
    source.on('agent:exited', this.#onExited);
    source.on('agent:stalled', this.#onStalled);
    source.on('agent:state', this.#onState);
    source.on('cycle', this.#onCycle);
  }

  /**
   * Sets the strategies for one agent by name, over its kind's and the
   * defaults (replacing what was set for it before; `undefined` clears).
   *
   * @throws `InvalidOptionError`, `UnknownStrategyError`; the agent's policy is then unchanged.
   * @example
   * recovery.setPolicy('eng-1', { exited: { strategy: 'restart', options: { maxRestarts: 10 } }, stalled: 'escalate' });
   */
  setPolicy(agent: string, policy: Partial<RecoveryPolicy> | undefined): void {
    this.#policies.set(agent, policy);
  }

  /** The strategy for each trigger for this agent: its own, else its kind's, else the defaults. */
  policyFor(agent: Pick<Agent, 'name' | 'kind'>): RecoveryPolicy {
    return this.#policies.for(agent);
  }

  /** Stops listening, cancels waiting follow-ups, aborts running actions and waits for them. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#source.off('agent:exited', this.#onExited);
      this.#source.off('agent:stalled', this.#onStalled);
      this.#source.off('agent:state', this.#onState);
      this.#source.off('cycle', this.#onCycle);
      const chains = [...this.#tracked.values()].map((tracked) => {
        tracked.abortAll();
        return tracked.chain;
      });
      await Promise.allSettled(chains);
      this.#tracked.clear();
    })();
    return this.#closing;
  }

  /** Same as {@link RecoveryManager.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  readonly #onExited = ({ agent, report }: AgentHealthEvent): void => this.#trigger(agent, 'exited', report);

  readonly #onStalled = ({ agent, report }: AgentHealthEvent): void => this.#trigger(agent, 'stalled', report);

  readonly #onState = ({ agent, report, from, to }: AgentHealthStateEvent): void => {
    this.#tracked.get(agent)?.left(from);
    if (to === 'rate-limited' || to === 'errored') this.#trigger(agent, to, report);
  };

  readonly #onCycle = (cycle: CycleReport): void => {
    for (const [agent, tracked] of this.#tracked) {
      if (this.#fleet.get(agent.name) !== agent) {
        tracked.abortAll();
        this.#tracked.delete(agent);
      }
    }
    for (const line of cycle.agents) {
      const agent = this.#fleet.get(line.agent);
      const tracked = agent === undefined ? undefined : this.#tracked.get(agent);
      if (agent === undefined || tracked === undefined) continue;
      if (tracked.observe(line, cycle.startedAt, cycle.startedAt + cycle.durationMs, this.#resetAfterMs)) this.#trigger(agent, 'exited', line);
      if (tracked.idle) this.#tracked.delete(agent);
    }
  };

  #trigger(agent: Agent, trigger: RecoveryTrigger, report: AgentReport): void {
    if (this.#closed || this.#fleet.get(agent.name) !== agent) return;
    let tracked = this.#tracked.get(agent);
    if (tracked === undefined) {
      tracked = new AgentRecovery();
      this.#tracked.set(agent, tracked);
    }
    if (tracked.handling(trigger)) return;
    const attempt = tracked.strike(trigger);
    const rule = this.policyFor(agent)[trigger];
    const strategyName = ruleStrategy(rule);
    let strategy: RecoveryStrategy;
    try {
      strategy = this.#policies.strategy(rule);
    } catch (error) {
      this.#fail(agent, { trigger, strategyName }, error);
      return;
    }
    const job: RecoveryJob = { trigger, strategyName, strategy, report, attempt, controller: new AbortController(), phase: 'queued', cancelTimer: undefined };
    tracked.add(job);
    this.#enqueue(agent, tracked, job, undefined);
  }

  #enqueue(agent: Agent, tracked: AgentRecovery, job: RecoveryJob, scheduledFor: number | undefined): void {
    job.phase = 'queued';
    tracked.chain = tracked.chain.then(() => this.#act(agent, tracked, job, scheduledFor)).catch(rethrowLater);
  }

  async #act(agent: Agent, tracked: AgentRecovery, job: RecoveryJob, scheduledFor: number | undefined): Promise<void> {
    const { signal } = job.controller;
    if (signal.aborted || this.#closed || this.#fleet.get(agent.name) !== agent) {
      tracked.jobs.delete(job);
      return;
    }
    job.phase = 'running';
    const context: RecoveryContext = {
      agent,
      trigger: job.trigger,
      report: job.report,
      attempt: job.attempt,
      scheduledFor,
      signal,
      lookup: (name) => this.#fleet.get(name),
      now: () => Date.now(),
    };
    let action: RecoveryAction;
    try {
      action = await job.strategy.recover(context);
    } catch (error) {
      tracked.jobs.delete(job);
      if (!signal.aborted) this.#fail(agent, job, error);
      return;
    }
    if (action.outcome === 'scheduled') {
      if (signal.aborted || this.#closed) {
        tracked.jobs.delete(job);
        return;
      }
      // One follow-up waits per agent: a newer plan replaces an older one.
      for (const other of tracked.jobs) if (other !== job && other.phase === 'waiting') other.controller.abort();
      job.phase = 'waiting';
      job.cancelTimer = timerAt(action.retryAt, () => {
        job.cancelTimer = undefined;
        this.#enqueue(agent, tracked, job, action.retryAt);
      });
    } else tracked.jobs.delete(job);
    if (action.outcome === 'restarted') tracked.restarted(Date.now());
    this.#report(agent, job, action);
  }

  #report(agent: Agent, job: RecoveryJob, action: RecoveryAction): void {
    const { trigger, strategyName: strategy } = job;
    publish(DIAGNOSTICS_CHANNELS.recovery, () => ({ agent: agent.name, strategy, trigger, outcome: action.outcome }));
    this.emit('recovery', { agent, trigger, strategy, attempt: job.attempt, action });
    if (action.outcome === 'gave-up') {
      this.emit('recovery:gave-up', { agent, trigger, strategy, restarts: action.restarts, windowMs: action.windowMs, detail: action.detail });
    } else if (action.outcome === 'escalated') {
      this.emit('recovery:escalated', { agent, trigger, strategy, supervisor: action.supervisor, message: action.message });
    }
  }

  #fail(agent: Agent, job: Pick<RecoveryJob, 'trigger' | 'strategyName'>, cause: unknown): void {
    const { trigger, strategyName: strategy } = job;
    const error =
      cause instanceof RecoveryError
        ? cause
        : new RecoveryError({ agent: agent.name, trigger, strategy }, cause instanceof Error ? cause.message : String(cause), { cause });
    publish(DIAGNOSTICS_CHANNELS.recovery, () => ({ agent: agent.name, strategy, trigger, outcome: 'failed' }));
    this.emit('recovery:failed', { agent, trigger, strategy, error });
  }
}

/** A listener of this manager threw: let it surface as the uncaught error it is, without stopping the agent's queue. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
