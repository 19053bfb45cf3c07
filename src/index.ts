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
export { ControlConnection, CONTROL_SESSION, HIDDEN_SESSION_PREFIX, isHiddenSession } from './tmux/connection.js';
export type { ConnectionCloseEvent, ControlConnectionEvents, ControlConnectionOptions } from './tmux/connection.js';
export { ExecRunner, runTmuxProcess } from './tmux/exec.js';
export type { ExecRunnerOptions, TmuxProcessResult } from './tmux/exec.js';
export type { CommandRunner, RunOptions } from './tmux/runner.js';
export { ConnectionPool } from './pool/pool.js';
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

// Agents: the orchestrator, its strategies, delivery and detection.
export { Orchestrator } from './orchestrator.js';
export { DEFAULT_SERVERS, defaultScheduleStore } from './orchestrator-options.js';
export type { MonitorOptions, OrchestratorEvents, OrchestratorOptions, OrchestratorSpawnOptions } from './orchestrator-options.js';
export { Agent } from './agents/agent.js';
export type { AgentCaptureOptions, AgentStateChange, AgentStatus } from './agents/agent.js';
export { AgentExitedError, DuplicateAgentError, UnknownAgentError } from './agents/errors.js';
export { DEFAULT_AGENT_SESSION } from './agents/spawn.js';
export type { AdoptOptions, AgentRecord, SpawnAgentOptions } from './agents/spawn.js';
export { AGENT_OPTIONS } from './agents/record.js';
export { AGENT_STATES } from './agents/state.js';
export type { AgentPrompt, AgentState, Detection, ProcessFacts, PromptOption, Screen } from './agents/state.js';
export { StateTracker } from './agents/state-tracker.js';
export type { StateChange, StateTrackerOptions } from './agents/state-tracker.js';
export type { Detector, DetectorFactory } from './agents/detectors/detector.js';
export { BUILTIN_DETECTORS } from './agents/detectors/index.js';
export { createClaudeCodeDetector } from './agents/detectors/claude-code.js';
export { createCodexDetector } from './agents/detectors/codex.js';
export { createGeminiCliDetector } from './agents/detectors/gemini-cli.js';
export { createAiderDetector } from './agents/detectors/aider.js';
export { createShellDetector } from './agents/detectors/shell.js';
export type { ScreenDetectorOptions } from './agents/detectors/screen-detector.js';
export { createGenericDetector } from './agents/detectors/generic.js';
export type { GenericDetectorOptions, ScreenPattern } from './agents/detectors/generic.js';
export type { DeliveryFactory, DeliveryStrategy, DeliveryTarget } from './agents/delivery/strategy.js';
export { BUILTIN_DELIVERIES } from './agents/delivery/index.js';
export { literalKeysDelivery } from './agents/delivery/literal-keys.js';
export type { LiteralKeysOptions } from './agents/delivery/literal-keys.js';
export { bracketedPasteDelivery } from './agents/delivery/bracketed-paste.js';
export type { BracketedPasteOptions } from './agents/delivery/bracketed-paste.js';
export { deliver } from './agents/delivery/deliver.js';
export type { DeliveryContext, DeliveryReceipt, VerifiedBy } from './agents/delivery/deliver.js';
export type { DeliveryOptions, ExistingInputPolicy } from './agents/delivery/options.js';
export { DeliveryError, InputNotEmptyError } from './agents/delivery/errors.js';
export type { DeliveryFailureReason } from './agents/delivery/errors.js';
export { Mailbox } from './agents/delivery/mailbox.js';
export type { EnqueueOptions } from './agents/delivery/mailbox.js';
export { paneObserver } from './agents/delivery/observe.js';
export type { PaneObservation } from './agents/delivery/observe.js';
export { StrategyRegistry, UnknownStrategyError } from './strategies/registry.js';
export type { StrategyKind, StrategyKinds } from './strategies/registry.js';
export type { Plugin, PluginContext } from './strategies/plugin.js';
export type { AgentKind, AgentKinds, DeliveryStrategyName, DeliveryStrategyNames } from './agents/strategy-kinds.js';

// Diagnostics channels and placement.
export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export type {
  AgentStateMessage,
  CacheMessage,
  DeliveryMessage,
  DiagnosticsChannelName,
  DiagnosticsMessages,
  HealthCycleMessage,
  RecoveryMessage,
  SchedulerMessage,
  TmuxCommandMessage,
} from './diagnostics.js';
export { BUILTIN_PLACEMENTS } from './placement/index.js';
export { leastLoadedPlacement } from './placement/least-loaded.js';
export { firstServerPlacement } from './placement/first.js';
export type { PlacementFactory, PlacementRequest, PlacementStrategy, PlacementStrategyName, PlacementStrategyNames, ServerLoad } from './placement/strategy.js';

// Cache.
export { LayeredCache, DEFAULT_CACHE_LAYERS } from './cache/layered-cache.js';
export type { CacheLayerOptions, CacheLayerStats, CacheSetOptions, DefaultCacheLayer, LayeredCacheOptions } from './cache/layered-cache.js';
export { paneTag } from './cache/tags.js';
export { invalidateOnTmuxEvents } from './cache/tmux-invalidation.js';

// Metrics.
export { MetricsCollector } from './metrics/collector.js';
export type { MetricsCollectorEvents } from './metrics/collector.js';
export { ALERT_LEVELS, DEFAULT_SLO, SLO_METRICS } from './metrics/options.js';
export type { AlertLevel, HysteresisOptions, MeasuredAgent, MetricsCollectorOptions, SloLevels, SloMetric, SloThresholds } from './metrics/options.js';
export type { ActiveAlert, AlertEvent } from './metrics/alerts.js';
export { MetricsServerError } from './metrics/errors.js';
export type { MetricsServer, ServeOptions } from './metrics/server.js';
export type { CacheLayerMetrics, CycleSummary, LatencySummary, MetricsSnapshot, PoolSnapshot, TmuxCommandStats } from './metrics/snapshot.js';
export type { AgentResources, ResourceSnapshot, TmuxServerResources } from './metrics/resources.js';
export type { HostResources } from './metrics/system.js';

// Scheduler.
export { Scheduler } from './scheduler/scheduler.js';
export { BUILTIN_STORES, DEFAULT_STORE_PATH, type DeliverFunction, type NamedStoreOption, type SchedulerOptions, type SchedulerStoreOption } from './scheduler/options.js';
export type { FailedEvent, FiredEvent, HandlerContext, JobHandler, JobRunEvent, MissedEvent, MissedReason, SchedulerEvents } from './scheduler/events.js';
export type { CronJobOptions, CronTrigger, EveryTrigger, HandlerTarget, JobOptions, JobTarget, JobTrigger, MessageTarget, OnceTrigger, OverlapPolicy, ScheduledJob } from './scheduler/job.js';
export type { MisfirePolicy } from './scheduler/misfire.js';
export type { JsonValue } from './scheduler/json.js';
export { parseDuration, type Duration } from './scheduler/durations.js';
export type { DeleteChange, PutChange, ScheduleChange, ScheduleStore, ScheduleStoreFactory, ScheduleStoreFactoryOptions } from './scheduler/store.js';
export { FileScheduleStore, type FileScheduleStoreOptions, type FileScheduleStoreStats } from './scheduler/file-store.js';
export { MemoryScheduleStore } from './scheduler/memory-store.js';
export { InvalidScheduleError, ScheduleStoreError, SchedulerClosedError, UnknownHandlerError } from './scheduler/errors.js';

// Monitoring and recovery.
export { HealthChecker } from './health/checker.js';
export type { HealthCheckerOptions } from './health/options.js';
export type { AgentHealthEvent, AgentHealthStateEvent, HealthCheckerEvents } from './health/events.js';
export type { AgentHealth, AgentReport, CycleReport } from './health/report.js';
export type { MonitoredAgent } from './health/monitored-agent.js';
export type { MonitorContext, MonitoredPane, MonitorFactory, MonitorStrategy, SyncCaptureOptions, SyncReads } from './health/monitor.js';
export type { PaneFacts } from './health/pane-facts.js';
export type { MonitorMode, MonitorModes } from './health/strategy-kinds.js';
export { BUILTIN_MONITORS } from './health/monitors/index.js';
export { eventsMonitor, MONITOR_SESSION_PREFIX } from './health/monitors/events.js';
export { pollMonitor } from './health/monitors/poll.js';
export { MonitorClosedError, ObservationTimeoutError } from './health/errors.js';
export { RecoveryManager, type AgentDirectory, type RecoveryManagerOptions, type RecoverySource } from './health/recovery/manager.js';
export {
  RECOVERY_TRIGGERS,
  type RecoveryAction,
  type RecoveryContext,
  type RecoveryFactory,
  type RecoveryOutcome,
  type RecoveryStrategy,
  type RecoveryStrategyName,
  type RecoveryStrategyNames,
  type RecoveryTrigger,
} from './health/recovery/strategy.js';
export { DEFAULT_KIND_POLICIES, DEFAULT_RECOVERY_POLICY, type RecoveryPolicy, type RecoveryRule } from './health/recovery/policy.js';
export { BUILTIN_RECOVERIES } from './health/recovery/index.js';
export { backoffDelay, restartRecovery, type BackoffSchedule, type RestartOptions } from './health/recovery/restart.js';
export { notifyRecovery } from './health/recovery/notify.js';
export { DEFAULT_ESCALATION_MESSAGE, escalateRecovery, escalationMessage, type EscalateOptions } from './health/recovery/escalate.js';
export { resumeRecovery, resumeTime, type ResumeOptions } from './health/recovery/resume.js';
export { RecoveryError, type RecoveryErrorSubject } from './health/recovery/errors.js';
export type { RecoveryActionEvent, RecoveryEscalatedEvent, RecoveryEventBase, RecoveryEvents, RecoveryFailedEvent, RecoveryGaveUpEvent } from './health/recovery/events.js';
