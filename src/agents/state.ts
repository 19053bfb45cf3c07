/**
 * What an agent is doing, and the evidence for it.
 *
 * @module
 */

/**
 * The states an agent can be in.
 *
 * - `starting`: launched, nothing recognisable on screen yet.
 * - `idle`: at its prompt, ready for a message.
 * - `working`: busy (a spinner, `esc to interrupt`, output streaming).
 * - `waiting`: asking a question (an approval, a first-run prompt); see `Detection.prompt`.
 * - `rate-limited`: told to wait by its API; see `Detection.resetAt`.
 * - `errored`: showing an error it will not retry by itself.
 * - `exited`: the pane is dead, or the agent's process is gone and a shell is back in front.
 * - `unknown`: nothing matched.
 */
export type AgentState = 'starting' | 'idle' | 'working' | 'waiting' | 'rate-limited' | 'errored' | 'exited' | 'unknown';

/**
 * Every {@link AgentState}, in a stable order.
 *
 * @example
 * const isAgentState = (value: string): value is AgentState => (AGENT_STATES as readonly string[]).includes(value);
 */
export const AGENT_STATES: readonly AgentState[] = [
  'starting',
  'idle',
  'working',
  'waiting',
  'rate-limited',
  'errored',
  'exited',
  'unknown',
];

/** One choice of a prompt the agent shows. */
export interface PromptOption {
  /** What to type to pick it, e.g. `1`. */
  readonly key: string;
  /** The option's text, e.g. `Yes, and always allow access to project/ from this project`. */
  readonly label: string;
  /** The option the cursor is on (picked by Enter). */
  readonly selected: boolean;
}

/** A question the agent is waiting on. */
export interface AgentPrompt {
  /** The question, e.g. `Do you want to proceed?`. */
  readonly question: string;
  /** The choices, in screen order. */
  readonly options: readonly PromptOption[];
}

/** A detector's verdict on one screen. */
export interface Detection {
  /** The state the screen and facts show. */
  readonly state: AgentState;
  /** Why, in a few words each: `screen: "esc to interrupt"`, `process: pane dead (status 1)`. */
  readonly evidence: readonly string[];
  /** The question and its options, for `waiting`. */
  readonly prompt?: AgentPrompt;
  /** When the agent may go on, for `rate-limited` when the screen says. */
  readonly resetAt?: Date;
  /**
   * Text sitting unsubmitted in the agent's input line (`''` when empty), when
   * the detector can read it; `undefined` when it cannot tell.
   */
  readonly input?: string;
}

/** What tmux and the process table say about an agent's pane. */
export interface ProcessFacts {
  /** The pane's process has exited (the pane is kept by `remain-on-exit`). */
  readonly paneDead: boolean;
  /** Exit status of a dead pane, when known. */
  readonly deadStatus?: number;
  /** Name of the pane's foreground process (`#{pane_current_command}`). */
  readonly currentCommand: string;
  /** Milliseconds since the pane last wrote output, when known. */
  readonly idleMs?: number;
  /**
   * When the screen was read (ms since the epoch). Detectors are pure, so
   * they need it to turn a reset time on screen (`Retrying in 4s`,
   * `resets 7pm`) into {@link Detection.resetAt}; without it they leave
   * `resetAt` out.
   */
  readonly now?: number;
}

/** A pane's visible text, one string per line. */
export interface Screen {
  /** The lines, top to bottom, as `capture-pane -p` gives them. */
  readonly lines: readonly string[];
}
