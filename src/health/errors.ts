/**
 * The errors the monitor reports.
 *
 * @module
 */
import { OrchestratorError } from '../errors.js';

/**
 * An agent's pane could not be observed in time: its server did not answer
 * within `observeTimeoutMs` of the start of its part of the cycle. The agent
 * is reported `failed`; the rest of the cycle goes on.
 *
 * @example
 * const report = await orc.health.check();
 * for (const line of report.agents) {
 *   if (line.error instanceof ObservationTimeoutError) console.warn(`${line.agent}: not observed within ${line.error.timeoutMs} ms`);
 * }
 */
export class ObservationTimeoutError extends OrchestratorError {
  /** The pane, `%N`. */
  readonly paneId: string;
  /** The time allowed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(paneId: string, timeoutMs: number) {
    super('ERR_OBSERVATION_TIMEOUT', `pane ${paneId} was not observed within ${timeoutMs} ms`);
    this.paneId = paneId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The health checker is closed: no more cycles run.
 *
 * @example
 * await orc.health.close();
 * await orc.health.check(); // rejects with MonitorClosedError
 */
export class MonitorClosedError extends OrchestratorError {
  constructor() {
    super('ERR_MONITOR_CLOSED', 'the health checker is closed');
  }
}
