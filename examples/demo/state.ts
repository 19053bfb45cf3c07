/**
 * What the demo has seen so far (agents, cycles, deliveries, events), kept
 * up to date by the scenarios and the orchestrator's events, and turned into
 * a {@link ViewModel} for each frame.
 *
 * @module
 */
import { LatencyWindow, type AgentState } from '../../src/index.js';
import type { AgentRow, ViewEvent, ViewEventKind, ViewModel } from './view.js';

/** Events kept for the view (the frame shows the newest few). */
const KEPT_EVENTS = 50;

/** The demo's observable state. */
export class DemoState {
  readonly #title: string;
  readonly #startedAt: number;
  readonly #agents = new Map<string, AgentRow>();
  readonly #cycles = new LatencyWindow(50);
  readonly #events: ViewEvent[] = [];
  readonly #listeners = new Set<(event: ViewEvent | undefined) => void>();
  #lastCycleMs: number | undefined;
  #delivered = 0;
  #phase = 'starting';

  /** @param startedAt - `performance.now()` when the demo started. */
  constructor(title: string, startedAt: number) {
    this.#title = title;
    this.#startedAt = startedAt;
  }

  /**
   * Calls `listener` after every change: with the event for a new event,
   * `undefined` for anything else. Returns the unsubscribe function.
   */
  subscribe(listener: (event: ViewEvent | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What the demo is doing now. */
  setPhase(phase: string): void {
    this.#phase = phase;
    this.#changed(undefined);
  }

  /** Adds an agent (in fleet order) or updates its row. */
  setAgent(name: string, update: { readonly state?: AgentState; readonly lastLine?: string }): void {
    const row = this.#agents.get(name) ?? { name, state: 'starting', lastLine: '' };
    this.#agents.set(name, { ...row, ...update });
    this.#changed(undefined);
  }

  /** A monitor cycle finished. */
  recordCycle(durationMs: number): void {
    this.#cycles.record(durationMs);
    this.#lastCycleMs = durationMs;
    this.#changed(undefined);
  }

  /** A message was delivered (verified). */
  recordDelivery(): void {
    this.#delivered += 1;
    this.#changed(undefined);
  }

  /** Adds an event to the log. */
  log(kind: ViewEventKind, text: string): void {
    const event: ViewEvent = { atMs: this.elapsedMs(), kind, text };
    this.#events.push(event);
    if (this.#events.length > KEPT_EVENTS) this.#events.shift();
    this.#changed(event);
  }

  /** Milliseconds since the demo started. */
  elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** A snapshot for the renderer. */
  model(): ViewModel {
    const median = this.#cycles.percentile(50);
    return {
      title: this.#title,
      elapsedMs: this.elapsedMs(),
      phase: this.#phase,
      agents: [...this.#agents.values()],
      cycles: { count: this.#cycles.count, lastMs: this.#lastCycleMs, medianMs: Number.isNaN(median) ? undefined : median },
      delivered: this.#delivered,
      events: [...this.#events],
    };
  }

  #changed(event: ViewEvent | undefined): void {
    for (const listener of this.#listeners) listener(event);
  }
}
