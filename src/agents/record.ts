/**
 * How an agent is recorded in tmux itself, as pane user options, so that a
 * new orchestrator process finds its whole fleet again after a crash or a
 * restart and loses nothing.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { defineRow, flag, integer, optionalInteger, text, type RowFormat } from '../tmux/formats.js';

/**
 * Pane user options that mark a pane as an agent.
 *
 * @example
 * await client.showOption(AGENT_OPTIONS.name, { target: eng.paneId, scope: 'pane' }); // 'eng-1'
 */
export const AGENT_OPTIONS = {
  /** The agent's name. */
  name: '@tmo-agent',
  /** Its kind (detector name), e.g. `claude-code`. */
  kind: '@tmo-kind',
  /** The command it was started with, as a JSON array (empty when adopted). */
  command: '@tmo-command',
  /** The working directory it was started in (empty when not given). */
  cwd: '@tmo-cwd',
} as const;

/** A pane as the fleet sees it: ids, process facts and the agent options (empty when unset). */
export interface AgentPaneRow {
  /** `%N` */
  paneId: string;
  /** `@N` */
  windowId: string;
  /** `$N` */
  sessionId: string;
  /** The pane's process has exited. */
  dead: boolean;
  /** Exit status of a dead pane, when known. */
  deadStatus: number | undefined;
  /** Pid of the pane's first process. */
  pid: number;
  /** Name of the foreground process. */
  currentCommand: string;
  /** The `@tmo-kind` option, `''` when unset. */
  kind: string;
  /** The `@tmo-command` option, `''` when unset. */
  command: string;
  /** Session name. */
  sessionName: string;
  /** Window name. */
  windowName: string;
  /** The `@tmo-agent` option, `''` when unset (never holds control characters). */
  name: string;
  /** The `@tmo-cwd` option, `''` when unset. Last: a path may hold any character. */
  cwd: string;
}

/** Row template for {@link AgentPaneRow}. */
export const AGENT_PANE_ROW: RowFormat<AgentPaneRow> = defineRow({
  paneId: text('#{pane_id}'),
  windowId: text('#{window_id}'),
  sessionId: text('#{session_id}'),
  dead: flag('#{pane_dead}'),
  deadStatus: optionalInteger('#{pane_dead_status}'),
  pid: integer('#{pane_pid}'),
  currentCommand: text('#{pane_current_command}'),
  kind: text(`#{${AGENT_OPTIONS.kind}}`),
  command: text(`#{${AGENT_OPTIONS.command}}`),
  sessionName: text('#{session_name}'),
  windowName: text('#{window_name}'),
  name: text(`#{${AGENT_OPTIONS.name}}`),
  cwd: text(`#{${AGENT_OPTIONS.cwd}}`),
});

/**
 * Checks an agent name: any printable text (`:`, `.`, spaces and unicode are
 * fine, since tmux targets are ids), but no control characters, which could
 * not be read back from a listing.
 *
 * @throws {@link InvalidArgumentError}
 */
export function validateAgentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '' || /[\u0000-\u001f\u007f]/u.test(name) || !name.isWellFormed()) {
    throw new InvalidArgumentError(`Expected an agent name of printable text, got ${JSON.stringify(name)}`);
  }
}

/** Parses the `@tmo-command` option; `[]` when unset or unreadable. */
export function parseRecordedCommand(value: string): string[] {
  if (value === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : [];
  } catch {
    return [];
  }
}
