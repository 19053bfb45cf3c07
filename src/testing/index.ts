/**
 * `tmux-orchestrator/testing`: what tests (this library's and yours) need to
 * run against real tmux: a private server per test file and a poll helper.
 *
 * @module
 */
export { createTestServer, type TestServer, type TestServerOptions } from './server.js';
export { retryUntil, RetryTimeoutError, type RetryOptions } from './retry.js';
export { fakeAgentCommand, type FakeAgentOptions } from './fake-agent/launch.js';
export { readFakeAgentLog, type FakeAgentLogEntry } from './fake-agent/log.js';
export { lightAgentCommand, LIGHT_AGENT_PROCESS_NAME, type LightAgentOptions } from './fake-agent/light.js';
export {
  parseFakeAgentScript,
  type ApprovalStep,
  type CrashStep,
  type ErrorStep,
  type FakeAgentScript,
  type FakeAgentStep,
  type FakeAgentStepBase,
  type RateLimitStep,
  type ReplyStep,
  type ResolvedScript,
  type StepTrigger,
} from './fake-agent/script.js';
