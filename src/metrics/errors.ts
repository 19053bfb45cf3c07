/**
 * Errors of the metrics module.
 *
 * @module
 */
import { OrchestratorError } from '../errors.js';

/**
 * The `/metrics` endpoint could not start (the port is taken, the host cannot
 * be bound), or `serve()` was called on a closed collector.
 *
 * @example
 * try {
 *   await orc.metrics.serve({ port: 9464 });
 * } catch (error) {
 *   if (error instanceof MetricsServerError) console.error(`no /metrics on ${error.address}:`, error.cause);
 * }
 */
export class MetricsServerError extends OrchestratorError {
  /** The address asked for, `host:port`. */
  readonly address: string;

  constructor(address: string, message: string, cause?: unknown) {
    super('ERR_METRICS_SERVER', `metrics endpoint on ${address}: ${message}`, { cause });
    this.address = address;
  }
}
