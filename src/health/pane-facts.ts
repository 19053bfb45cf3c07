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
  /**
   * Name of the foreground process; `undefined` when the listing did not
   * read it (reading it is most of a listing's cost in tmux).
   */
  readonly currentCommand: string | undefined;
}

/**
 * The row: only what a health check needs (tmux computes every field of
 * every pane listed, every cycle), the free-text field last. The foreground
 * process, when read, comes as `+name`; unread, as `-`.
 */
function factsRow(commandFormat: '+#{pane_current_command}' | '-'): RowFormat<PaneFacts> {
  return defineRow({
    paneId: text('#{pane_id}'),
    windowId: text('#{window_id}'),
    dead: flag('#{pane_dead}'),
    deadStatus: optionalInteger('#{pane_dead_status}'),
    linkedSessions: integer('#{window_linked_sessions}'),
    sessionName: text('#{session_name}'),
    currentCommand: { format: commandFormat, parse: (value) => (value.startsWith('+') ? value.slice(1) : undefined) },
  });
}

const WITH_COMMANDS = factsRow('+#{pane_current_command}');
const WITHOUT_COMMANDS = factsRow('-');

/**
 * A window linked into several sessions lists its panes once per session;
 * this filter keeps a hidden session's rows only for windows linked nowhere
 * else, so each pane is listed (and its facts computed by tmux) once. A
 * conditional, because tmux evaluates only the branch taken (`||` evaluates
 * both sides): the session name match, the costly part, is made only for
 * linked windows. At 100 unlinked panes that takes a fifth off the listing.
 */
const ONCE_PER_PANE = `#{?#{==:#{window_linked_sessions},1},1,#{!=:#{m:${HIDDEN_SESSION_PREFIX}*,#{session_name}},1}}`;

/**
 * `true` for a pane that only the library's hidden sessions still hold: its
 * own session was killed, and only a monitor's link keeps its window alive.
 */
export function isOrphaned(pane: PaneFacts): boolean {
  return pane.linkedSessions === 1 && isHiddenSession(pane.sessionName);
}

/** Options of {@link listPaneFacts}. @internal */
export interface ListPaneFactsOptions {
  /** List this session's panes only; by default, the whole server's. */
  readonly session?: string;
  /**
   * Read each pane's foreground process (a process lookup in tmux per pane:
   * most of a listing's cost).
   * @default true
   */
  readonly commands?: boolean;
  /** With `session`: list only the panes whose process has exited (kept by `remain-on-exit`). @default false */
  readonly deadOnly?: boolean;
}

/**
 * Lists the panes of the whole server (each once), or of one session, with
 * their process facts.
 *
 * @internal
 */
export async function listPaneFacts(runner: CommandRunner, options: ListPaneFactsOptions = {}): Promise<Map<string, PaneFacts>> {
  const { session } = options;
  const row = options.commands === false ? WITHOUT_COMMANDS : WITH_COMMANDS;
  const scope = session === undefined ? ['-a', '-f', ONCE_PER_PANE] : ['-s', '-t', `=${session}`];
  if (session !== undefined && options.deadOnly === true) scope.push('-f', '#{pane_dead}');
  const lines = await runner.run(['list-panes', ...scope, '-F', row.template], { readOnly: true });
  const facts = new Map<string, PaneFacts>();
  // A window the user linked into two sessions still lists its panes twice: the first row stands.
  for (const pane of row.parse(lines)) if (!facts.has(pane.paneId)) facts.set(pane.paneId, pane);
  return facts;
}
