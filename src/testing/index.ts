/**
 * `tmux-orchestrator/testing`: what tests (this library's and yours) need to
 * run against real tmux: a private server per test file and a poll helper.
 *
 * @module
 */
export { createTestServer, type TestServer, type TestServerOptions } from './server.js';
export { retryUntil, RetryTimeoutError, type RetryOptions } from './retry.js';
