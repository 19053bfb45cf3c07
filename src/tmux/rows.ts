/**
 * The typed rows `TmuxClient`'s listing helpers return, and their templates.
 *
 * @module
 */
import { defineRow, flag, integer, optionalInteger, text, type RowFormat } from './formats.js';

/** A tmux session. */
export interface SessionInfo {
  /** `$N` */
  id: string;
  /** Session name. */
  name: string;
  /** Number of windows. */
  windows: number;
  /** Number of clients attached. */
  attached: number;
  /** Creation time, seconds since the epoch. */
  created: number;
}

/** A tmux window (as linked into one session). */
export interface WindowInfo {
  /** `@N` */
  id: string;
  /** Index in its session. */
  index: number;
  /** The session, `$N`. */
  sessionId: string;
  /** The session's name. */
  sessionName: string;
  /** The session's current window. */
  active: boolean;
  /** Number of panes. */
  panes: number;
  /** Width in cells. */
  width: number;
  /** Height in cells. */
  height: number;
  /** Window name. */
  name: string;
}

/** A tmux pane with the process facts health checks use. */
export interface PaneInfo {
  /** `%N` */
  id: string;
  /** Index of the pane in its window. */
  index: number;
  /** Its window, `@N`. */
  windowId: string;
  /** The window's index in its session. */
  windowIndex: number;
  /** Its session, `$N`. */
  sessionId: string;
  /** The session's name. */
  sessionName: string;
  /** The active pane of its window. */
  active: boolean;
  /** Width in cells. */
  width: number;
  /** Height in cells. */
  height: number;
  /** Pid of the pane's first process. */
  pid: number;
  /** The pane's process has exited (kept by `remain-on-exit`). */
  dead: boolean;
  /**
   * Exit status of a dead pane, once tmux has collected it. It can lag `dead`
   * briefly; it stays unset when the process was killed by a signal, and now
   * and then (seen on tmux 3.3a) when the process exited the moment it started.
   */
  deadStatus: number | undefined;
  /** The pane is in a mode such as copy mode. */
  inMode: boolean;
  /** Name of the foreground process, e.g. `bash` or `node`. */
  currentCommand: string;
  /** Title the program set (or the host name). */
  title: string;
  /** Working directory of the foreground process. May hold any character. */
  currentPath: string;
}

/**
 * Row template for {@link SessionInfo}.
 *
 * @example
 * const sessions = SESSION_ROW.parse(await client.run(['list-sessions', '-F', SESSION_ROW.template]));
 */
export const SESSION_ROW: RowFormat<SessionInfo> = defineRow({
  id: text('#{session_id}'),
  windows: integer('#{session_windows}'),
  attached: integer('#{session_attached}'),
  created: integer('#{session_created}'),
  name: text('#{session_name}'),
});

/**
 * Row template for {@link WindowInfo}.
 *
 * @example
 * const windows = WINDOW_ROW.parse(await client.run(['list-windows', '-t', '=agents', '-F', WINDOW_ROW.template]));
 */
export const WINDOW_ROW: RowFormat<WindowInfo> = defineRow({
  id: text('#{window_id}'),
  index: integer('#{window_index}'),
  sessionId: text('#{session_id}'),
  active: flag('#{window_active}'),
  panes: integer('#{window_panes}'),
  width: integer('#{window_width}'),
  height: integer('#{window_height}'),
  sessionName: text('#{session_name}'),
  name: text('#{window_name}'),
});

/**
 * Row template for {@link PaneInfo}.
 *
 * @example
 * const panes = PANE_ROW.parse(await client.run(['list-panes', '-a', '-F', PANE_ROW.template]));
 * const dead = panes.filter((pane) => pane.dead).map((pane) => pane.id);
 */
export const PANE_ROW: RowFormat<PaneInfo> = defineRow({
  id: text('#{pane_id}'),
  index: integer('#{pane_index}'),
  windowId: text('#{window_id}'),
  windowIndex: integer('#{window_index}'),
  sessionId: text('#{session_id}'),
  active: flag('#{pane_active}'),
  width: integer('#{pane_width}'),
  height: integer('#{pane_height}'),
  pid: integer('#{pane_pid}'),
  dead: flag('#{pane_dead}'),
  deadStatus: optionalInteger('#{pane_dead_status}'),
  inMode: flag('#{pane_in_mode}'),
  sessionName: text('#{session_name}'),
  currentCommand: text('#{pane_current_command}'),
  title: text('#{pane_title}'),
  currentPath: text('#{pane_current_path}'),
});
