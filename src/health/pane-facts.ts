/**
 * The process facts of a server's panes, from one `list-panes`.
 *
 * @module
 */
import { HIDDEN_SESSION_PREFIX, isHiddenSession } from '../tmux/connection.js';
import { defineRow, flag, integer, optionalInteger, text, type RowFormat } from '../tmux/formats.js';
import type { CommandRunner } from '../tmux/runner.js';

/** What tmux says about one pane, for health checks. */
export interface PaneFacts {
  /** `%N` */
  readonly paneId: string;
  /** Its window, `@N`. */
  readonly windowId: string;
  /** The pane's process has exited (kept by `remain-on-exit`). */
  readonly dead: boolean;
  /** Exit status of a dead pane, once tmux has collected it. */
  readonly deadStatus: number | undefined;
  /** Sessions its window is linked into. */
  readonly linkedSessions: number;
  /** The session it was listed in. */
  readonly sessionName: string;
  /** Name of the foreground process. */
  readonly currentCommand: string;
}

/**
 * The row: only what a health check needs (tmux computes every field of
 * every pane listed, every cycle), the free-text field last.
 */
const FACTS_ROW: RowFormat<PaneFacts> = defineRow({
  paneId: text('#{pane_id}'),
  windowId: text('#{window_id}'),
  dead: flag('#{pane_dead}'),
  deadStatus: optionalInteger('#{pane_dead_status}'),
  linkedSessions: integer('#{window_linked_sessions}'),
  sessionName: text('#{session_name}'),
  currentCommand: text('#{pane_current_command}'),
});

/**
 * A window linked into several sessions lists its panes once per session;
 * this filter keeps a hidden session's rows only for windows linked nowhere
 * else, so each pane is listed (and its facts computed by tmux) once.
 */
const ONCE_PER_PANE = `#{||:#{!=:#{m:${HIDDEN_SESSION_PREFIX}*,#{session_name}},1},#{==:#{window_linked_sessions},1}}`;

/**
 * `true` for a pane that only the library's hidden sessions still hold: its
 * own session was killed, and only a monitor's link keeps its window alive.
 */
export function isOrphaned(pane: PaneFacts): boolean {
  return pane.linkedSessions === 1 && isHiddenSession(pane.sessionName);
}

/**
 * Lists the panes of the whole server (each once), or of one session, with
 * their process facts.
 *
 * @internal
 */
export async function listPaneFacts(runner: CommandRunner, session?: string): Promise<Map<string, PaneFacts>> {
  const scope = session === undefined ? ['-a', '-f', ONCE_PER_PANE] : ['-s', '-t', `=${session}`];
  const lines = await runner.run(['list-panes', ...scope, '-F', FACTS_ROW.template], { readOnly: true });
  const facts = new Map<string, PaneFacts>();
  // A window the user linked into two sessions still lists its panes twice: the first row stands.
  for (const row of FACTS_ROW.parse(lines)) if (!facts.has(row.paneId)) facts.set(row.paneId, row);
  return facts;
}
