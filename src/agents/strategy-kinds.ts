/**
 * The agent strategy kinds, added to the registry's {@link StrategyKinds}.
 *
 * @module
 */
import type { DeliveryFactory } from './delivery/strategy.js';
import type { DetectorFactory } from './detectors/detector.js';

declare module '../strategies/registry.js' {
  interface StrategyKinds {
    /** Reads an agent kind's state from its screen; registered under the kind's name. */
    detector: DetectorFactory;
    /** Types and submits messages; registered under the strategy's name. */
    delivery: DeliveryFactory;
  }
}

/**
 * The agent kinds (detector names) the type system knows. A plugin that
 * registers a detector adds its name by declaration merging, so `spawn()`
 * accepts it and a typo is a type error.
 *
 * @example
 * declare module 'tmux-orchestrator' {
 *   interface AgentKinds { 'my-cli': true }
 * }
 */
export interface AgentKinds {
  /** Claude Code (`claude`). */
  'claude-code': true;
  /** OpenAI Codex CLI. */
  codex: true;
  /** Google Gemini CLI. */
  'gemini-cli': true;
  /** Aider (experimental). */
  aider: true;
  /** A plain shell. */
  shell: true;
  /** The pattern-configured detector. */
  generic: true;
}

/** A known agent kind. */
export type AgentKind = keyof AgentKinds & string;

/** The delivery strategy names the type system knows; plugins add theirs by declaration merging. */
export interface DeliveryStrategyNames {
  /** Through a tmux buffer and `paste-buffer -p -r`. */
  'bracketed-paste': true;
  /** `send-keys -l` in chunks. */
  'literal-keys': true;
}

/** A known delivery strategy name. */
export type DeliveryStrategyName = keyof DeliveryStrategyNames & string;
