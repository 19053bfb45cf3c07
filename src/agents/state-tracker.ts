/**
 * Hysteresis for agent states: a state change is reported once it is seen to
 * last, so a screen caught mid-redraw never flips an agent's state, and
 * recovery never acts on a flicker.
 *
 * @module
 */
import { InvalidArgumentError, InvalidOptionError } from '../errors.js';
import { describeValue, integerAtLeast, positiveNumber } from '../util/options.js';
import { AGENT_STATES, type AgentState, type Detection, type ProcessFacts } from './state.js';

/** A state change the tracker reports. */
export interface StateChange {
  /** The state before. */
  readonly from: AgentState;
  /** The state now. */
  readonly to: AgentState;
  /** The detection that confirmed it. */
  readonly detection: Detection;
  /** When the new state was first seen (the `at` of that observation). */
  readonly at: number;
}

/** Options of {@link StateTracker}. */
export interface StateTrackerOptions {
  /**
   * Observations in a row a new state needs before it is reported.
   * @default 2
   */
  readonly confirmations?: number;
  /**
   * A new state seen in every observation for at least this long (from its
   * first sighting to a later one) is reported even before `confirmations`.
   * @default no time rule
   */
  readonly minDwellMs?: number;
  /**
   * States reported on their first sighting. `waiting` is in by default: a
   * question on screen is unambiguous and should be answered promptly.
   * @default ['waiting']
   */
  readonly immediate?: readonly AgentState[];
  /**
   * The state before the first report.
   * @default 'starting'
   */
  readonly initial?: AgentState;
}

/**
 * Turns a stream of detections into state changes without flicker. Pure:
 * time is passed in.
 *
 * A new state is reported once it has been seen `confirmations` times in a
 * row, or continuously for `minDwellMs`. Reported on first sighting: the
 * `immediate` states (`waiting` by default), and `exited` when the facts say
 * the pane is dead (certain). `exited` because a shell is back in front is
 * *not* immediate: a shell can be in front for a moment while the agent runs
 * a command, so recovery only ever acts on a confirmed exit. Seeing the
 * current state again drops any change under way.
 *
 * @example
 * const tracker = new StateTracker();
 * tracker.observe(detector.detect(screen, facts), Date.now(), facts); // undefined: not confirmed yet
 * const change = tracker.observe(detector.detect(screen, facts), Date.now(), facts);
 * if (change) console.log(`${change.from} → ${change.to}`);
 */
export class StateTracker {
  readonly #confirmations: number;
  readonly #minDwellMs: number;
  readonly #immediate: ReadonlySet<AgentState>;
  #current: AgentState;
  #since: number | undefined;
  #detection: Detection | undefined;
  #lastAt = -Infinity;
  #pending: { detection: Detection; firstAt: number; count: number } | undefined;

  /** @throws {@link InvalidOptionError} for invalid options. */
  constructor(options: StateTrackerOptions = {}) {
    this.#confirmations = integerAtLeast('confirmations', options.confirmations, 2, 1);
    this.#minDwellMs = positiveNumber('minDwellMs', options.minDwellMs, Number.POSITIVE_INFINITY);
    const immediate = options.immediate ?? ['waiting'];
    if (!Array.isArray(immediate) || !immediate.every(isAgentState)) {
      throw new InvalidOptionError(`Expected \`immediate\` to be an array of agent states (${AGENT_STATES.join(', ')}), got \`${JSON.stringify(immediate)}\``);
    }
    this.#immediate = new Set(immediate);
    const initial = options.initial ?? 'starting';
    if (!isAgentState(initial)) {
      throw new InvalidOptionError(`Expected \`initial\` to be an agent state (${AGENT_STATES.join(', ')}), got ${describeValue(initial)}`);
    }
    this.#current = initial;
  }

  /** The state last reported (`initial` before any). */
  get current(): AgentState {
    return this.#current;
  }

  /** When the current state was first seen; `undefined` before the first report. */
  get since(): number | undefined {
    return this.#since;
  }

  /** The latest detection of the current state (its prompt, input, reset time); `undefined` before the first report. */
  get detection(): Detection | undefined {
    return this.#detection;
  }

  /**
   * Feeds one detection, made at `at` (ms, never earlier than the last), with
   * the process facts it was made from when known. Returns the change it
   * confirms, or `undefined`.
   *
   * @throws {@link InvalidArgumentError} when `at` is not a number or goes back in time.
   */
  observe(detection: Detection, at: number, facts?: ProcessFacts): StateChange | undefined {
    if (typeof at !== 'number' || !Number.isFinite(at) || at < this.#lastAt) {
      throw new InvalidArgumentError(`Expected \`at\` to be a time no earlier than the last observation (${this.#lastAt}), got \`${String(at)}\``);
    }
    this.#lastAt = at;
    if (detection.state === this.#current) {
      this.#pending = undefined;
      this.#detection = detection;
      return undefined;
    }
    const pending = this.#pending?.detection.state === detection.state ? this.#pending : undefined;
    const next = { detection, firstAt: pending?.firstAt ?? at, count: (pending?.count ?? 0) + 1 };
    this.#pending = next;
    const certain = this.#immediate.has(detection.state) || (detection.state === 'exited' && facts?.paneDead === true);
    const confirmed = next.count >= this.#confirmations || (next.count >= 2 && at - next.firstAt >= this.#minDwellMs);
    if (!certain && !confirmed) return undefined;
    const change: StateChange = { from: this.#current, to: detection.state, detection, at: next.firstAt };
    this.#current = detection.state;
    this.#since = next.firstAt;
    this.#detection = detection;
    this.#pending = undefined;
    return change;
  }
}

function isAgentState(value: unknown): value is AgentState {
  return (AGENT_STATES as readonly unknown[]).includes(value);
}
