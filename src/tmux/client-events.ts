/**
 * The events `TmuxClient` emits, and the runner shape that feeds them.
 *
 * @module
 */
import type { ConnectionCloseEvent } from './connection.js';
import type {
  ClientDetachedNotification,
  ExitNotification,
  LayoutChangeNotification,
  MessageNotification,
  Notification,
  OutputNotification,
  PaneModeChangedNotification,
  PasteBufferNotification,
  PauseNotification,
  SessionNotification,
  SessionsChangedNotification,
  SessionWindowChangedNotification,
  SubscriptionChangedNotification,
  UnknownNotification,
  WindowNotification,
  WindowPaneChangedNotification,
} from './notifications.js';
import type { CommandRunner } from './runner.js';

/** Output a pane wrote, decoded. */
export interface PaneOutputEvent extends OutputNotification {
  /** The bytes as text; a character split across notifications arrives whole in the later one. */
  readonly text: string;
}

/**
 * Events of a `TmuxClient`, one per tmux notification plus `output`,
 * `notification` and `close`. They arrive only when the client's runner
 * reports notifications (a control connection or a pool).
 */
export interface TmuxClientEvents {
  /** A pane wrote output (panes in windows linked into the control session). */
  output: (event: PaneOutputEvent) => void;
  /** Every notification, raw, before its own event. */
  notification: (notification: Notification) => void;
  /** The underlying connection closed. */
  close: (event: ConnectionCloseEvent) => void;
  /** A pane's output was paused by flow control. */
  pause: (notification: PauseNotification) => void;
  /** A paused pane's output flows again. */
  continue: (notification: PauseNotification) => void;
  /** A window was added to the control session. */
  'window-add': (notification: WindowNotification) => void;
  /** A window of the control session closed. */
  'window-close': (notification: WindowNotification) => void;
  /** A window was created in another session. */
  'unlinked-window-add': (notification: WindowNotification) => void;
  /** A window of another session closed. */
  'unlinked-window-close': (notification: WindowNotification) => void;
  /** A window of the control session was renamed. */
  'window-renamed': (notification: WindowNotification) => void;
  /** A window of another session was renamed. */
  'unlinked-window-renamed': (notification: WindowNotification) => void;
  /** A window's active pane changed. */
  'window-pane-changed': (notification: WindowPaneChangedNotification) => void;
  /** A window's layout changed. */
  'layout-change': (notification: LayoutChangeNotification) => void;
  /** The connection's own session changed. */
  'session-changed': (notification: SessionNotification) => void;
  /** A session was renamed. */
  'session-renamed': (notification: SessionNotification) => void;
  /** Another client's session changed. */
  'client-session-changed': (notification: SessionNotification) => void;
  /** A session was created or destroyed. */
  'sessions-changed': (notification: SessionsChangedNotification) => void;
  /** A session's current window changed. */
  'session-window-changed': (notification: SessionWindowChangedNotification) => void;
  /** A pane entered or left a mode such as copy mode. */
  'pane-mode-changed': (notification: PaneModeChangedNotification) => void;
  /** A format subscribed with `refresh-client -B` changed. */
  'subscription-changed': (notification: SubscriptionChangedNotification) => void;
  /** A paste buffer was set. */
  'paste-buffer-changed': (notification: PasteBufferNotification) => void;
  /** A paste buffer was deleted. */
  'paste-buffer-deleted': (notification: PasteBufferNotification) => void;
  /** Another client detached. */
  'client-detached': (notification: ClientDetachedNotification) => void;
  /** tmux showed a message. */
  message: (notification: MessageNotification) => void;
  /** A configuration file had an error. */
  'config-error': (notification: MessageNotification) => void;
  /** The control client is exiting. */
  exit: (notification: ExitNotification) => void;
  /** A notification this version does not know. */
  unknown: (notification: UnknownNotification) => void;
}

/** A runner that also reports tmux notifications, such as a control connection or a pool. */
export interface NotifyingRunner extends CommandRunner {
  /** Subscribes to notifications. */
  on(event: 'notification', listener: (notification: Notification) => void): unknown;
  /** Subscribes to the runner closing. */
  on(event: 'close', listener: (event: ConnectionCloseEvent) => void): unknown;
  /** Unsubscribes from notifications. */
  off(event: 'notification', listener: (notification: Notification) => void): unknown;
  /** Unsubscribes from the runner closing. */
  off(event: 'close', listener: (event: ConnectionCloseEvent) => void): unknown;
  /** Closes the runner. */
  close(): Promise<void>;
}
