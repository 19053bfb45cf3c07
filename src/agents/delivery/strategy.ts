/**
 * The delivery contract: how text gets into an agent's input line and is
 * submitted. The checks around it (state, leftover input, verification,
 * retries) are shared by every strategy.
 *
 * @module
 */
import type { TmuxClient } from '../../tmux/client.js';

/** The pane a message goes to, and the client that reaches it. */
export interface DeliveryTarget {
  /** The agent's pane, `%N`. */
  readonly paneId: string;
  /** A client on the agent's tmux server. */
  readonly client: TmuxClient;
}

/** Types and submits text in an agent's input line. */
export interface DeliveryStrategy {
  /** The strategy's registered name, e.g. `bracketed-paste`. */
  readonly name: string;
  /**
   * Puts `text` into the input line without submitting it. Text with newlines
   * must stay one message: no line may submit early.
   */
  type(target: DeliveryTarget, text: string): Promise<void>;
  /** Submits what is in the input line (usually Enter). Called again, alone, to retry. */
  submit(target: DeliveryTarget): Promise<void>;
  /**
   * Throws (`InvalidArgumentError`) when `text` cannot be delivered this way.
   * Called before anything is sent to the pane, so a refused message leaves
   * the agent untouched.
   */
  validate?(text: string): void;
}

/** Makes a delivery strategy; `options` are the strategy's own. */
export type DeliveryFactory = (options?: Readonly<Record<string, unknown>>) => DeliveryStrategy;
