/**
 * tmux-orchestrator: run fleets of terminal agents in tmux.
 *
 * This entry point exports the public API; `tmux-orchestrator/testing` holds
 * the test helpers.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export { TmuxClient } from './tmux/client.js';
export type {
  CaptureOptions,
  NewSessionOptions,
  NewSessionResult,
  NewWindowOptions,
  NewWindowResult,
  OptionScope,
  SpawnOptions,
  SplitWindowOptions,
} from './tmux/client.js';
export type { NotifyingRunner, PaneOutputEvent, TmuxClientEvents } from './tmux/client-events.js';
export { ControlConnection, CONTROL_SESSION } from './tmux/connection.js';
export type { ConnectionCloseEvent, ControlConnectionEvents, ControlConnectionOptions } from './tmux/connection.js';
export { ExecRunner, runTmuxProcess } from './tmux/exec.js';
export type { ExecRunnerOptions, TmuxProcessResult } from './tmux/exec.js';
export type { CommandRunner, RunOptions } from './tmux/runner.js';
export { ConnectionPool } from './pool/pool.js';
export { GROW_AT_PENDING } from './pool/options.js';
export type { ConnectionPoolEvents, ConnectionPoolOptions, ConnectionPoolStats, PoolConnectionClosedEvent } from './pool/options.js';
export { PoolGroup } from './pool/group.js';
export type { PoolGroupOptions, PoolGroupStats } from './pool/group.js';
export { LatencyWindow, percentile } from './util/latency.js';
export type { TmuxServerOptions } from './tmux/server.js';
export { ControlModeParser } from './tmux/protocol.js';
export type { ControlMessage, ControlModeParserOptions, ReplyBlock } from './tmux/protocol.js';
export { parseNotification } from './tmux/notifications.js';
export type * from './tmux/notifications.js';
export { PaneTextDecoder, unescapeOutput } from './tmux/escape.js';
export { escapeArgvArgument, escapeFormat, formatCommandLine, quoteArgument } from './tmux/quote.js';
export { defineRow, flag, integer, optionalInteger, text, FIELD_SEPARATOR } from './tmux/formats.js';
export type { FieldSpec, RowFormat, RowOf } from './tmux/formats.js';
export { PANE_ROW, SESSION_ROW, WINDOW_ROW } from './tmux/rows.js';
export type { PaneInfo, SessionInfo, WindowInfo } from './tmux/rows.js';
export {
  compareTmuxVersions,
  detectTmuxVersion,
  MINIMUM_TMUX_VERSION,
  parseTmuxVersion,
  tmuxFeatures,
} from './tmux/version.js';
export type { TmuxFeatures, TmuxVersion } from './tmux/version.js';
