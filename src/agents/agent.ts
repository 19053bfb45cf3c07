/**
 * `Agent`: the handle users hold for one agent in the fleet. Names are ours;
 * tmux is addressed by pane id, so any printable name is safe.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { TmuxClient } from '../tmux/client.js';
import type { TmuxServerOptions } from '../tmux/server.js';
import type { DeliveryReceipt } from './delivery/deliver.js';
import type { DeliveryOptions } from './delivery/options.js';
import type { Detector } from './detectors/detector.js';
import type { AgentRecord } from './spawn.js';
import type { AgentState, Detection, PromptOption } from './state.js';

/** An agent's confirmed state changed. */
export interface AgentStateChange {
  /** The agent. */
  readonly agent: Agent;
  /** The state before. */
  readonly from: AgentState;
  /** The state now. */
  readonly to: AgentState;
  /** Why, from the detection that confirmed it. */
  readonly evidence: readonly string[];
  /** The detection that confirmed it (prompt, reset time, input). */
  readonly detection: Detection;
  /** When it changed, ms since the epoch. */
  readonly at: number;
}

/** What `agent.state()` returns. */
export interface AgentStatus {
  /** The confirmed state (after hysteresis). */
  readonly state: AgentState;
  /** Since when, ms since the epoch. */
  readonly since: number;
  /** The latest detection, which may not be confirmed yet. */
  readonly detection: Detection;
}

/** Options of {@link Agent.capture}. */
export interface AgentCaptureOptions {
  /**
   * How many lines, counted up from the bottom of the screen (history
   * included when more than a screen is asked for).
   * @default the visible screen
   */
  readonly lines?: number;
}

/** What an {@link Agent} needs from the orchestrator. @internal */
export interface AgentRuntime {
  readonly client: TmuxClient;
  readonly server: TmuxServerOptions;
  readonly detector: Detector;
  /** The working directory recorded at spawn, `''` when none was given. */
  readonly cwd: string;
  /** Observes the pane now, feeding the state tracker. */
  observe(): Promise<AgentStatus & { readonly paneDead: boolean }>;
  /** Delivers one message, ordered after every earlier one to this agent. */
  deliver(text: string, options: DeliveryOptions): Promise<DeliveryReceipt>;
  /** Kills the agent's pane, after any kill under way on the same server. */
  killPane(): Promise<void>;
  /** Takes the agent out of the fleet. */
  remove(): void;
  /** Runs `respawn` (which restarts the pane's process) with the monitor's hold on the pane's output released. */
  guardRespawn(respawn: () => Promise<void>): Promise<void>;
}

/**
 * One agent in the fleet.
 *
 * @example
 * const eng = orc.agent('eng-1');
 * const receipt = await eng.send('Run the tests and report');
 * const { state, detection } = await eng.state();
 * if (state === 'waiting') await eng.answer(1);
 */
export class Agent {
  /** The agent's name, unique in the fleet. */
  readonly name: string;
  /** Its kind (detector name). */
  readonly kind: string;
  /** Its pane, `%N`. */
  readonly paneId: string;
  /** The command it was started with (`[]` when adopted). */
  readonly command: readonly string[];
  readonly #runtime: AgentRuntime;

  /** @internal Agents are made by the orchestrator. */
  constructor(record: AgentRecord, runtime: AgentRuntime) {
    this.name = record.name;
    this.kind = record.kind;
    this.paneId = record.paneId;
    this.command = record.command;
    this.#runtime = runtime;
  }

  /** The tmux server the agent runs on. */
  get server(): TmuxServerOptions {
    return this.#runtime.server;
  }

  /**
   * Sends a message and verifies the agent took it. Messages to one agent are
   * delivered in order, one at a time; different agents are served at once.
   *
   * @throws `DeliveryError`, `InputNotEmptyError` (with `existingInput: 'refuse'`),
   *   `AgentExitedError`, `AbortedError`.
   */
  send(text: string, options: DeliveryOptions = {}): Promise<DeliveryReceipt> {
    if (typeof text !== 'string' || text === '') {
      return Promise.reject(new InvalidArgumentError(`Expected a non-empty message, got ${JSON.stringify(text)}`));
    }
    return this.#runtime.deliver(text, options);
  }

  /** The agent's screen, one string per line. */
  async capture(options: AgentCaptureOptions = {}): Promise<string[]> {
    const lines = options.lines;
    if (lines === undefined) return this.#runtime.client.capturePane(this.paneId);
    if (!Number.isInteger(lines) || lines <= 0) {
      throw new InvalidArgumentError(`Expected \`lines\` to be a positive integer, got ${String(lines)}`);
    }
    const captured = await this.#runtime.client.capturePane(this.paneId, { start: -lines });
    while (captured.length > 0 && captured.at(-1) === '') captured.pop();
    return captured.slice(-lines);
  }

  /** Looks at the agent now: its confirmed state, and the latest detection with its evidence. */
  async state(): Promise<AgentStatus> {
    const { state, since, detection } = await this.#runtime.observe();
    return { state, since, detection };
  }

  /**
   * Answers the prompt the agent is waiting on, by option key (`'1'`), number
   * (`1`) or label text.
   *
   * @throws `InvalidArgumentError` when the agent shows no prompt or no such option.
   */
  async answer(option: string | number): Promise<void> {
    const { detection } = await this.#runtime.observe();
    const prompt = detection.prompt;
    if (prompt === undefined) {
      throw new InvalidArgumentError(`agent ${JSON.stringify(this.name)} is not showing a prompt (state ${detection.state})`);
    }
    const wanted = String(option);
    const choice: PromptOption | undefined =
      prompt.options.find((candidate) => candidate.key === wanted) ?? prompt.options.find((candidate) => candidate.label === wanted);
    if (choice === undefined) {
      const known = prompt.options.map((candidate) => `${candidate.key}. ${candidate.label}`).join('; ');
      throw new InvalidArgumentError(`Expected one of the prompt's options (${known}), got ${JSON.stringify(option)}`);
    }
    await this.#runtime.client.sendKeys(this.paneId, this.#runtime.detector.answerKeys(prompt, choice));
  }

  /** Interrupts the agent's current work (Escape for Claude Code, C-c for a shell). */
  async interrupt(): Promise<void> {
    await this.#runtime.client.sendKeys(this.paneId, this.#runtime.detector.interruptKeys);
  }

  /**
   * Starts the agent's command again in the same pane, killing what runs there,
   * in the working directory it was spawned in.
   *
   * @throws `InvalidArgumentError` for an adopted agent, which has no recorded command.
   */
  async restart(): Promise<void> {
    if (this.command.length === 0) {
      throw new InvalidArgumentError(`agent ${JSON.stringify(this.name)} was adopted and has no recorded command to restart`);
    }
    const cwd = this.#runtime.cwd === '' ? {} : { cwd: this.#runtime.cwd };
    await this.#runtime.guardRespawn(() => this.#runtime.client.respawnPane(this.paneId, { kill: true, command: this.command, ...cwd }));
  }

  /**
   * Kills the agent's pane and takes it out of the fleet. Kills on one server
   * run one at a time (tmux 3.3a can crash when a session's last panes are
   * killed at once by several clients).
   */
  async kill(): Promise<void> {
    await this.#runtime.killPane();
    this.#runtime.remove();
  }
}
