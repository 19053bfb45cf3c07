/**
 * Checks of what is passed to `in()`, `at()`, `every()` and `cron()`: bad
 * input is an error when scheduling, never a failure when the job fires.
 *
 * @internal
 * @module
 */
import { UnknownAgentError } from '../agents/errors.js';
import { describeValue } from '../util/options.js';
import { parseDuration, type Duration } from './durations.js';
import { InvalidScheduleError, UnknownHandlerError } from './errors.js';
import { jsonProblem, type JsonValue } from './json.js';
import { OVERLAP_POLICIES, type JobOptions, type JobTarget, type OverlapPolicy } from './job.js';

/**
 * What the checks need to know about the scheduler.
 *
 * @internal
 */
export interface TargetContext {
  /** The registered handler names. */
  readonly handlers: ReadonlyMap<string, unknown>;
  /** Whether message jobs can be delivered. */
  readonly canDeliver: boolean;
  /** Whether an agent exists. */
  readonly hasAgent: ((name: string) => boolean) | undefined;
}

/**
 * A duration argument in ms, within `min`…`max`.
 *
 * @internal
 */
export function durationArgument(name: string, value: Duration, min: number, max: number): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new InvalidScheduleError(`Expected \`${name}\` to be a duration like '90s', '15m' or '2h30m' (or milliseconds), got ${describeValue(value)}`, { cause: error });
  }
  if (ms < min) throw new InvalidScheduleError(`Expected \`${name}\` to be at least ${min} ms, got ${describeValue(value)}`);
  if (ms > max) throw new InvalidScheduleError(`Expected \`${name}\` to be at most ${max} ms (option \`maxDelay\`), got ${describeValue(value)}`);
  return ms;
}

/**
 * The target as it will be stored (a copy; the payload cloned through JSON).
 *
 * @internal
 * @throws `InvalidScheduleError`, `UnknownHandlerError`, `UnknownAgentError`.
 */
export function checkTarget(target: JobTarget, context: TargetContext): JobTarget {
  if (typeof target !== 'object' || target === null) throw new InvalidScheduleError(`Expected a job ({ agent, message } or { handler, payload }), got ${describeValue(target)}`);
  const { agent, message, handler, payload } = target as Partial<Record<'agent' | 'message' | 'handler' | 'payload', unknown>>;
  if (handler !== undefined) {
    if (agent !== undefined || message !== undefined) throw new InvalidScheduleError('Expected a job with either `handler` or `agent` and `message`, got both');
    if (typeof handler !== 'string' || handler === '') throw new InvalidScheduleError(`Expected \`handler\` to be a handler name, got ${describeValue(handler)}`);
    if (!context.handlers.has(handler)) throw new UnknownHandlerError(handler, [...context.handlers.keys()].sort());
    if (payload === undefined) return { handler };
    const problem = jsonProblem(payload, 'payload');
    if (problem !== undefined) throw new InvalidScheduleError(`Expected a payload that survives JSON unchanged: ${problem}`);
    // A copy, so changing the caller's object later does not change the job.
    return { handler, payload: typeof payload === 'object' && payload !== null ? (JSON.parse(JSON.stringify(payload)) as JsonValue) : (payload as JsonValue) };
  }
  if (typeof agent !== 'string' || agent === '') throw new InvalidScheduleError(`Expected \`agent\` to be an agent name (or \`handler\` a handler name), got ${describeValue(agent)}`);
  if (typeof message !== 'string' || message === '') throw new InvalidScheduleError(`Expected \`message\` to be a non-empty string, got ${describeValue(message)}`);
  if (payload !== undefined) throw new InvalidScheduleError('Expected no `payload` on a message job (it is for handler jobs)');
  if (!context.canDeliver) throw new InvalidScheduleError("Message jobs need a scheduler with a `deliver` function (an orchestrator's scheduler has one)");
  if (context.hasAgent !== undefined && !context.hasAgent(agent)) throw new UnknownAgentError(agent);
  return { agent, message };
}

/**
 * The job options checked: id (not in use), jitter and overlap policy.
 *
 * @internal
 */
export function checkJobOptions(options: JobOptions, maxDelayMs: number, inUse: (id: string) => boolean): { id: string | undefined; jitterMs: number; overlap: OverlapPolicy } {
  if (typeof options !== 'object' || options === null) throw new InvalidScheduleError(`Expected job options to be an object, got ${describeValue(options)}`);
  const { id, jitter, overlap = 'skip', signal } = options;
  if (id !== undefined) {
    if (typeof id !== 'string' || id === '') throw new InvalidScheduleError(`Expected \`id\` to be a non-empty string, got ${describeValue(id)}`);
    if (inUse(id)) throw new InvalidScheduleError(`A job with id ${JSON.stringify(id)} is already scheduled`);
  }
  if (!OVERLAP_POLICIES.includes(overlap)) {
    throw new InvalidScheduleError(`Expected \`overlap\` to be one of ${OVERLAP_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${describeValue(overlap)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidScheduleError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  return { id, jitterMs: jitter === undefined ? 0 : durationArgument('jitter', jitter, 0, maxDelayMs), overlap };
}
