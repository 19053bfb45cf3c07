/**
 * The detector contract: one pure function per agent CLI from a screen and
 * process facts to a state with evidence.
 *
 * @module
 */
import type { AgentPrompt, AgentState, Detection, ProcessFacts, PromptOption, Screen } from '../state.js';

/** Reads an agent CLI's state from its screen and process facts. */
export interface Detector {
  /** The agent kind this detector knows, e.g. `claude-code`. */
  readonly name: string;
  /**
   * `true` when some states have no fixtures captured from the real program;
   * the detector's docs say which.
   */
  readonly experimental: boolean;
  /**
   * Process names (`#{pane_current_command}`) that mean the agent itself is in
   * front, e.g. `['claude']`; used to find agents and to tell a crash from a
   * shell prompt.
   */
  readonly processNames: readonly string[];
  /** The delivery strategy this kind of agent uses unless told otherwise. */
  readonly delivery: string;
  /** States in which a message may be typed. */
  readonly acceptsInput: readonly AgentState[];
  /** Keys that interrupt the agent's current work, e.g. `['Escape']` or `['C-c']`. */
  readonly interruptKeys: readonly string[];
  /** Keys that clear the agent's input line, e.g. `['C-u']`. */
  readonly clearInputKeys: readonly string[];
  /**
   * Keys that pick `option` of a prompt the detector reported (typing its
   * key, moving the cursor, pressing Enter: whatever this program needs).
   */
  answerKeys(prompt: AgentPrompt, option: PromptOption): readonly string[];
  /** Pure: the same screen and facts always give the same detection. */
  detect(screen: Screen, facts: ProcessFacts): Detection;
}

/** Makes a detector; `options` are the detector's own (patterns for `generic`). */
export type DetectorFactory = (options?: Readonly<Record<string, unknown>>) => Detector;
