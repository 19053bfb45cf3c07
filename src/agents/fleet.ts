/**
 * The fleet: the agents an orchestrator knows by name, and what each needs
 * to work (its detector, delivery strategy, mailbox and state tracker).
 *
 * @module
 */
import type { StrategyRegistry } from '../strategies/registry.js';
import type { TmuxClient } from '../tmux/client.js';
import { serverKey, type TmuxServerOptions } from '../tmux/server.js';
import type { MonitoredAgent } from '../health/monitored-agent.js';
import { Agent, type AgentRuntime, type AgentStateChange, type AgentStatus } from './agent.js';
import { DIAGNOSTICS_CHANNELS, publish } from '../diagnostics.js';
import { OrchestratorError } from '../errors.js';
import { deliver, type DeliveryReceipt } from './delivery/deliver.js';
import { Mailbox } from './delivery/mailbox.js';
import { paneObserver } from './delivery/observe.js';
import type { DeliveryOptions } from './delivery/options.js';
import type { Detector } from './detectors/detector.js';
import { DuplicateAgentError } from './errors.js';
import { validateAgentName } from './record.js';
import type { AgentRecord } from './spawn.js';
import type { Detection, ProcessFacts } from './state.js';
import { StateTracker } from './state-tracker.js';
import './strategy-kinds.js';

/** What a {@link Fleet} is built with. @internal */
export interface FleetOptions {
  /** Where detectors and delivery strategies are looked up. */
  readonly registry: StrategyRegistry;
  /** Defaults for every delivery. */
  readonly delivery: DeliveryOptions;
  /** Called with every confirmed state change. */
  onState(change: AgentStateChange): void;
  /** Called when an agent leaves the fleet. */
  onRemoved(agent: Agent): void;
  /** Runs a respawn of the agent's pane (the monitor pauses its output from the pane meanwhile). */
  guardRespawn(agent: Agent, respawn: () => Promise<void>): Promise<void>;
}

/** The agents of one orchestrator, by name. @internal */
export class Fleet {
  readonly #options: FleetOptions;
  readonly #agents = new Map<string, Agent>();
  readonly #monitored = new Map<Agent, MonitoredAgent>();
  readonly #reserved = new Set<string>();
  readonly #detectors = new Map<string, Detector>();
  readonly #mailbox = new Mailbox();
  /** The last kill sent to each server's client: kills on one server are sent one at a time. */
  readonly #kills = new Map<TmuxClient, Promise<unknown>>();

  constructor(options: FleetOptions) {
    this.#options = options;
  }

  /** The agents, in the order they joined. */
  list(): Agent[] {
    return [...this.#agents.values()];
  }

  /** The agent with this name, or `undefined`. */
  get(name: string): Agent | undefined {
    return this.#agents.get(name);
  }

  /** The agents as the monitor sees them, in the order they joined. */
  monitored(): MonitoredAgent[] {
    return [...this.#monitored.values()];
  }

  /** How many agents run on each server (by server key). */
  countByServer(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const agent of this.#agents.values()) counts.set(serverKey(agent.server), (counts.get(serverKey(agent.server)) ?? 0) + 1);
    return counts;
  }

  /**
   * Claims a name while its agent is being made.
   *
   * @throws {@link DuplicateAgentError} when it is taken; `InvalidArgumentError` when it is not a valid name.
   */
  reserve(name: string): void {
    validateAgentName(name);
    if (this.#agents.has(name) || this.#reserved.has(name)) throw new DuplicateAgentError(name);
    this.#reserved.add(name);
  }

  /** Gives up a claim made with {@link Fleet.reserve}. */
  release(name: string): void {
    this.#reserved.delete(name);
  }

  /**
   * The detector for an agent kind, made once per kind.
   *
   * @throws `UnknownStrategyError` naming the known kinds.
   */
  detector(kind: string): Detector {
    let detector = this.#detectors.get(kind);
    if (detector === undefined) {
      detector = this.#options.registry.get('detector', kind)();
      this.#detectors.set(kind, detector);
    }
    return detector;
  }

  /** Makes the agent for a record and adds it to the fleet. */
  create(record: AgentRecord, client: TmuxClient, server: TmuxServerOptions): Agent {
    const detector = this.detector(record.kind);
    const strategy = this.#options.registry.get('delivery', detector.delivery)();
    const observePane = paneObserver(client, record.paneId, detector);
    const tracker = new StateTracker();
    let agent: Agent | undefined;

    const recordObservation = (detection: Detection, facts: ProcessFacts, at: number): AgentStatus => {
      const change = tracker.observe(detection, at, facts);
      if (change !== undefined && agent !== undefined) {
        publish(DIAGNOSTICS_CHANNELS.agentState, () => ({ agent: record.name, kind: record.kind, from: change.from, to: change.to }));
        this.#options.onState({ agent, from: change.from, to: change.to, evidence: change.detection.evidence, detection: change.detection, at: change.at });
      }
      return { state: tracker.current, since: tracker.since ?? at, detection };
    };
    const observe = async (): Promise<AgentStatus & { paneDead: boolean }> => {
      const observation = await observePane();
      return { ...recordObservation(observation.detection, observation.facts, Date.now()), paneDead: observation.facts.paneDead };
    };

    const runtime: AgentRuntime = {
      client,
      server,
      detector,
      cwd: record.cwd,
      observe,
      deliver: (text, options) =>
        publishDelivery(record.name, this.#mailbox.enqueue(
          record.name,
          (signal) =>
            deliver(
              { agent: record.name, target: { paneId: record.paneId, client }, strategy, detector, observe: observePane },
              text,
              { ...this.#options.delivery, ...options, ...(signal === undefined ? {} : { signal }) },
            ),
          options.signal === undefined ? {} : { signal: options.signal },
        )),
      killPane: () => this.#serialKill(client, record.paneId),
      guardRespawn: (respawn) => (agent === undefined ? respawn() : this.#options.guardRespawn(agent, respawn)),
      remove: () => {
        if (agent === undefined || this.#agents.get(record.name) !== agent) return;
        this.#agents.delete(record.name);
        this.#monitored.delete(agent);
        this.#options.onRemoved(agent);
      },
    };
    agent = new Agent(record, runtime);
    this.#agents.set(record.name, agent);
    this.#monitored.set(agent, { agent, detector, client, record: recordObservation });
    return agent;
  }

  /** Kills a pane once the kills sent before it to the same server are answered. */
  #serialKill(client: TmuxClient, paneId: string): Promise<void> {
    const previous = this.#kills.get(client) ?? Promise.resolve();
    const kill = previous.then(
      () => client.killPane(paneId),
      () => client.killPane(paneId),
    );
    this.#kills.set(client, kill);
    const forget = (): void => {
      if (this.#kills.get(client) === kill) this.#kills.delete(client);
    };
    kill.then(forget, forget);
    return kill;
  }

  /** Forgets every agent (they keep running in tmux). */
  close(): void {
    this.#agents.clear();
    this.#monitored.clear();
  }
}

/** Reports a delivery's outcome on the `delivery` diagnostics channel, queueing included. */
function publishDelivery(agent: string, delivery: Promise<DeliveryReceipt>): Promise<DeliveryReceipt> {
  const started = performance.now();
  delivery.then(
    (receipt) => publish(DIAGNOSTICS_CHANNELS.delivery, () => ({ agent, ok: true, durationMs: performance.now() - started, attempts: receipt.attempts })),
    (error: unknown) =>
      publish(DIAGNOSTICS_CHANNELS.delivery, () => ({
        agent,
        ok: false,
        durationMs: performance.now() - started,
        attempts: 0,
        ...(error instanceof OrchestratorError ? { errorCode: error.code } : {}),
      })),
  );
  return delivery;
}
