/**
 * Typed tmux control-mode notifications and the parser for one notification
 * line. Ids keep tmux's sigils: sessions `$N`, windows `@N`, panes `%N`.
 *
 * @module
 */
import { unescapeOutput } from './escape.js';

/** Output a pane wrote, as raw bytes (escapes already decoded). */
export interface OutputNotification {
  /** Discriminant. */
  readonly kind: 'output';
  /** The pane that wrote, `%N`. */
  readonly paneId: string;
  /** The bytes written, escapes decoded; may end inside a UTF-8 character. */
  readonly data: Uint8Array;
  /** Milliseconds the output was held back by flow control (`%extended-output`), else 0. */
  readonly ageMs: number;
}

/** A pane's output was paused by flow control (`refresh-client -f pause-after`). */
export interface PauseNotification {
  /** `pause`: output is held back; `continue`: it flows again. */
  readonly kind: 'pause' | 'continue';
  /** The pane concerned, `%N`. */
  readonly paneId: string;
}

/** A window was added, closed, or renamed, in this client's session or elsewhere. */
export interface WindowNotification {
  /** What happened; `unlinked-*` concern windows not in this client's session. */
  readonly kind:
    | 'window-add'
    | 'window-close'
    | 'unlinked-window-add'
    | 'unlinked-window-close'
    | 'window-renamed'
    | 'unlinked-window-renamed';
  /** The window, `@N`. */
  readonly windowId: string;
  /** The new name, for the `*-renamed` kinds. */
  readonly name?: string;
}

/** The active pane of a window changed. */
export interface WindowPaneChangedNotification {
  /** Discriminant. */
  readonly kind: 'window-pane-changed';
  /** The window, `@N`. */
  readonly windowId: string;
  /** Its newly active pane, `%N`. */
  readonly paneId: string;
}

/** A window's layout changed (panes split, closed or resized). */
export interface LayoutChangeNotification {
  /** Discriminant. */
  readonly kind: 'layout-change';
  /** The window, `@N`. */
  readonly windowId: string;
  /** The new layout string, as `#{window_layout}`. */
  readonly layout: string;
}

/** A session was created, renamed, or the attached session changed. */
export interface SessionNotification {
  /** `session-changed`: this client's session; `client-session-changed`: another client's; `session-renamed`: a new name. */
  readonly kind: 'session-changed' | 'session-renamed' | 'client-session-changed';
  /** The session, `$N`. */
  readonly sessionId: string;
  /** The session's name. */
  readonly name: string;
  /** The client concerned, for `client-session-changed`. */
  readonly client?: string;
}

/** The list of sessions changed. */
export interface SessionsChangedNotification {
  /** Discriminant. */
  readonly kind: 'sessions-changed';
}

/** A session's current window changed. */
export interface SessionWindowChangedNotification {
  /** Discriminant. */
  readonly kind: 'session-window-changed';
  /** The session, `$N`. */
  readonly sessionId: string;
  /** Its new current window, `@N`. */
  readonly windowId: string;
}

/** A pane entered or left a mode such as copy mode. */
export interface PaneModeChangedNotification {
  /** Discriminant. */
  readonly kind: 'pane-mode-changed';
  /** The pane, `%N`. */
  readonly paneId: string;
}

/** A format subscribed with `refresh-client -B` changed value. */
export interface SubscriptionChangedNotification {
  /** Discriminant. */
  readonly kind: 'subscription-changed';
  /** The subscription's name, as given to `refresh-client -B`. */
  readonly name: string;
  /** The session the value belongs to, `$N`. */
  readonly sessionId: string;
  /** `@N`, or `-` for a session-level subscription. */
  readonly windowId: string;
  /** `%N`, or `-` for a session- or window-level subscription. */
  readonly paneId: string;
  /** The format's new value. */
  readonly value: string;
}

/** A paste buffer was set or deleted. */
export interface PasteBufferNotification {
  /** Whether the buffer was set or deleted. */
  readonly kind: 'paste-buffer-changed' | 'paste-buffer-deleted';
  /** The buffer's name. */
  readonly name: string;
}

/** Another client detached. */
export interface ClientDetachedNotification {
  /** Discriminant. */
  readonly kind: 'client-detached';
  /** The client's name. */
  readonly client: string;
}

/** A message or configuration error tmux reported. */
export interface MessageNotification {
  /** A `display-message` to clients, or an error from a configuration file. */
  readonly kind: 'message' | 'config-error';
  /** What tmux said. */
  readonly text: string;
}

/** The control client is exiting; tmux says why when it knows. */
export interface ExitNotification {
  /** Discriminant. */
  readonly kind: 'exit';
  /** Why, e.g. `server exited`, when tmux says. */
  readonly reason?: string;
}

/** A notification this version of the parser does not know (newer tmux). */
export interface UnknownNotification {
  /** Discriminant. */
  readonly kind: 'unknown';
  /** The notification name without `%`, or `''` for a line that is not a notification. */
  readonly name: string;
  /** The whole line. */
  readonly line: string;
}

/** Every notification the control-mode parser emits. */
export type Notification =
  | OutputNotification
  | PauseNotification
  | WindowNotification
  | WindowPaneChangedNotification
  | LayoutChangeNotification
  | SessionNotification
  | SessionsChangedNotification
  | SessionWindowChangedNotification
  | PaneModeChangedNotification
  | SubscriptionChangedNotification
  | PasteBufferNotification
  | ClientDetachedNotification
  | MessageNotification
  | ExitNotification
  | UnknownNotification;

const SPACE = 0x20;
const PANE = /^%\d+$/;
const WINDOW = /^@\d+$/;
const SESSION = /^\$\d+$/;

/**
 * Parses one line that starts with `%` into a typed notification, or returns
 * `undefined` when the line is not a well-formed notification of a known kind.
 * `%output` data is taken from the raw bytes, so split UTF-8 survives.
 *
 * @example
 * parseNotification(Buffer.from('%window-add @3')); // { kind: 'window-add', windowId: '@3' }
 * parseNotification(Buffer.from('%output %1 hi\\015\\012')); // kind 'output', paneId '%1', data: bytes 68 69 0d 0a
 */
export function parseNotification(line: Uint8Array): Notification | undefined {
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  const nameEnd = indexOrEnd(text, SPACE, 1);
  const name = text.toString('latin1', 1, nameEnd);
  if (name === 'output') return parseOutput(text, nameEnd);
  if (name === 'extended-output') return parseExtendedOutput(text, nameEnd);
  const rest = nameEnd < text.length ? text.toString('utf8', nameEnd + 1) : '';
  return parseTextNotification(name, rest);
}

function parseOutput(line: Buffer, nameEnd: number): OutputNotification | undefined {
  const paneEnd = indexOrEnd(line, SPACE, nameEnd + 1);
  const paneId = line.toString('latin1', nameEnd + 1, paneEnd);
  if (!PANE.test(paneId)) return undefined;
  return { kind: 'output', paneId, data: unescapeOutput(line.subarray(Math.min(paneEnd + 1, line.length))), ageMs: 0 };
}

function parseExtendedOutput(line: Buffer, nameEnd: number): OutputNotification | undefined {
  // %extended-output %P AGE ... : DATA
  const separator = line.indexOf(' : ', nameEnd);
  if (separator === -1) return undefined;
  const [paneId, age] = line.toString('latin1', nameEnd + 1, separator).split(' ');
  if (paneId === undefined || !PANE.test(paneId) || age === undefined || !/^\d+$/.test(age)) return undefined;
  return { kind: 'output', paneId, data: unescapeOutput(line.subarray(separator + 3)), ageMs: Number(age) };
}

function parseTextNotification(name: string, rest: string): Notification | undefined {
  const args = rest === '' ? [] : rest.split(' ');
  const [a, b] = args;
  switch (name) {
    case 'exit':
      return rest === '' ? { kind: 'exit' } : { kind: 'exit', reason: rest };
    case 'pause':
    case 'continue':
    case 'pane-mode-changed':
      return args.length === 1 && PANE.test(a ?? '') ? { kind: name, paneId: a as string } : undefined;
    case 'window-add':
    case 'window-close':
    case 'unlinked-window-add':
    case 'unlinked-window-close':
      return args.length === 1 && WINDOW.test(a ?? '') ? { kind: name, windowId: a as string } : undefined;
    case 'window-renamed':
    case 'unlinked-window-renamed':
      return WINDOW.test(a ?? '') && args.length >= 2 ? { kind: name, windowId: a as string, name: afterWords(rest, 1) } : undefined;
    case 'window-pane-changed':
      return args.length === 2 && WINDOW.test(a ?? '') && PANE.test(b ?? '')
        ? { kind: name, windowId: a as string, paneId: b as string }
        : undefined;
    case 'layout-change':
      return WINDOW.test(a ?? '') && b !== undefined ? { kind: name, windowId: a as string, layout: b } : undefined;
    case 'session-changed':
    case 'session-renamed':
      return SESSION.test(a ?? '') && args.length >= 2 ? { kind: name, sessionId: a as string, name: afterWords(rest, 1) } : undefined;
    case 'client-session-changed':
      return SESSION.test(b ?? '') && args.length >= 3
        ? { kind: name, client: a as string, sessionId: b as string, name: afterWords(rest, 2) }
        : undefined;
    case 'sessions-changed':
      return args.length === 0 ? { kind: name } : undefined;
    case 'session-window-changed':
      return args.length === 2 && SESSION.test(a ?? '') && WINDOW.test(b ?? '')
        ? { kind: name, sessionId: a as string, windowId: b as string }
        : undefined;
    case 'subscription-changed':
      return parseSubscription(rest);
    case 'paste-buffer-changed':
    case 'paste-buffer-deleted':
      return args.length >= 1 ? { kind: name, name: rest } : undefined;
    case 'client-detached':
      return args.length >= 1 ? { kind: name, client: rest } : undefined;
    case 'message':
    case 'config-error':
      return { kind: name, text: rest };
    default:
      return undefined;
  }
}

function parseSubscription(rest: string): SubscriptionChangedNotification | undefined {
  // NAME $S @W INDEX %P : VALUE, with `-` for the window and pane fields that do not
  // apply. The name may hold spaces but never a colon, so the first ` : ` ends the fields.
  const separator = rest.indexOf(' : ');
  if (separator === -1) return undefined;
  const words = rest.slice(0, separator).split(' ');
  if (words.length < 5) return undefined;
  const [sessionId, windowId, , paneId] = words.slice(-4) as [string, string, string, string];
  if (!SESSION.test(sessionId) || !(windowId === '-' || WINDOW.test(windowId)) || !(paneId === '-' || PANE.test(paneId))) {
    return undefined;
  }
  return {
    kind: 'subscription-changed',
    name: words.slice(0, -4).join(' '),
    sessionId,
    windowId,
    paneId,
    value: rest.slice(separator + 3),
  };
}

/** The text after the first `count` space-separated words (names may contain spaces). */
function afterWords(text: string, count: number): string {
  let index = 0;
  for (let i = 0; i < count; i++) index = text.indexOf(' ', index) + 1;
  return text.slice(index);
}

function indexOrEnd(buffer: Buffer, byte: number, from: number): number {
  const index = buffer.indexOf(byte, from);
  return index === -1 ? buffer.length : index;
}
