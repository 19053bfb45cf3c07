/**
 * The delivery pipeline every strategy shares: wait until the agent accepts
 * input, clear what is left in its input line, type the message once, submit
 * it, and check that the agent took it, pressing Enter again (never typing
 * the text again) when it did not.
 *
 * @module
 */
import { InvalidArgumentError, TmuxCommandError } from '../../errors.js';
import { assertCarriable } from '../../tmux/quote.js';
import type { Detector } from '../detectors/detector.js';
import { AgentExitedError } from '../errors.js';
import { DeliveryError, InputNotEmptyError } from './errors.js';
import type { PaneObservation } from './observe.js';
import { resolveDeliveryOptions, type DeliveryOptions, type ResolvedDeliveryOptions } from './options.js';
import { observeUntil, pause, throwIfAborted } from './poll.js';
import type { DeliveryStrategy, DeliveryTarget } from './strategy.js';
import { describeValue } from '../../util/options.js';
import { sameStrings } from '../../util/arrays.js';

/** Everything a delivery works with. */
export interface DeliveryContext {
  /** The agent's name, for errors. @default the pane id */
  readonly agent?: string;
  /** The agent's pane and a client on its server. */
  readonly target: DeliveryTarget;
  /** How text is typed and submitted. */
  readonly strategy: DeliveryStrategy;
  /** Reads the agent's state and input line; its `acceptsInput` and `clearInputKeys` are used. */
  readonly detector: Detector;
  /** Looks at the pane once (`paneObserver` makes one). */
  observe(): Promise<PaneObservation>;
}

/**
 * What showed that the agent took the message:
 *
 * - `input-cleared`: the input line, which held the message, is empty.
 * - `state-changed`: the agent's state changed (to `working`, or to a question, an error…).
 * - `screen-changed`: the screen changed after Enter; used only with detectors that cannot read the input line.
 */
export type VerifiedBy = 'input-cleared' | 'state-changed' | 'screen-changed';

/** Proof of a delivered message. */
export interface DeliveryReceipt {
  /** Always `true`: a delivery that fails throws instead. */
  readonly delivered: true;
  /** Presses of Enter it took (1 unless Enter was lost). */
  readonly attempts: number;
  /** Milliseconds from the call to the verified submit, waiting included. */
  readonly latencyMs: number;
  /** Milliseconds of that spent waiting for the agent to accept input. */
  readonly waitedMs: number;
  /** What showed that the agent took it. */
  readonly verifiedBy: VerifiedBy;
  /** Text that sat in the input line and was cleared first, as the detector read it. */
  readonly cleared?: string;
  /** The strategy's name. */
  readonly strategy: string;
}

/** Presses of the clearing keys before text that will not go away is given up on. */
const MAX_CLEAR_PRESSES = 64;

/** Characters of the message's end looked for in the input line to see that it has all arrived. */
const TAIL_LENGTH = 16;

/**
 * Delivers one message to an agent and proves it arrived.
 *
 * 1. Waits until the agent is in a state its detector says accepts input
 *    (unless `force`), leaving copy mode if the pane is in it. An agent that
 *    has exited is refused with `AgentExitedError`.
 * 2. Clears text already sitting in the input line (or refuses, with
 *    `existingInput: 'refuse'`).
 * 3. Types the message once with the strategy and waits for it to show.
 * 4. Submits, then watches for the input line to empty, the state to change
 *    or (for detectors that cannot read the input line) the screen to
 *    change; presses Enter again, up to `maxSubmitAttempts` times in all.
 *
 * Deliveries to one agent must not overlap: queue them (see `Mailbox`).
 *
 * @throws `InvalidArgumentError` for an empty message or one that cannot be
 *   carried (NUL, lone surrogates, or what the strategy refuses); nothing is sent.
 * @throws `InputNotEmptyError` with `existingInput: 'refuse'` when the input line holds text.
 * @throws `AgentExitedError` when the agent has exited before anything was typed.
 * @throws `DeliveryError` with the `reason` and the last detection (`exited`
 *   when the agent exits once typing has begun).
 * @throws `AbortedError` when `signal` fires before typing begins.
 * @example
 * const receipt = await deliver(
 *   { target: { client, paneId }, strategy, detector, observe: paneObserver(client, paneId, detector) },
 *   'Run the tests and report',
 * );
 */
export async function deliver(context: DeliveryContext, text: string, options: DeliveryOptions = {}): Promise<DeliveryReceipt> {
  const settings = resolveDeliveryOptions(options);
  if (typeof text !== 'string' || text === '') {
    throw new InvalidArgumentError(`Expected a non-empty message, got ${describeValue(text)}`);
  }
  assertCarriable(text, 'message');
  context.strategy.validate?.(text);
  const startedAt = performance.now();
  const ready = await waitUntilReady(context, settings);
  const waitedMs = performance.now() - startedAt;
  const { observation, cleared } = await clearInput(context, ready, settings);
  throwIfAborted(settings.signal);
  await context.strategy.type(context.target, text);
  const shown = await waitUntilShown(context, text, observation, settings);
  const { verifiedBy, attempts } = await submitUntilTaken(context, shown, settings);
  return {
    delivered: true,
    attempts,
    latencyMs: performance.now() - startedAt,
    waitedMs,
    verifiedBy,
    ...(cleared === undefined ? {} : { cleared }),
    strategy: context.strategy.name,
  };
}

/** Looks at the agent until it accepts input; leaves copy mode on the way. */
async function waitUntilReady(context: DeliveryContext, settings: ResolvedDeliveryOptions): Promise<PaneObservation> {
  const deadline = performance.now() + settings.waitTimeoutMs;
  let leftMode = false;
  for (;;) {
    throwIfAborted(settings.signal);
    const observation = await context.observe();
    if (hasExited(observation)) {
      throw new AgentExitedError(context.agent ?? context.target.paneId, describe(observation.detection.evidence, 'nothing was typed'));
    }
    const { state } = observation.detection;
    if (!observation.inMode && (settings.force || context.detector.acceptsInput.includes(state))) return observation;
    if (performance.now() >= deadline) {
      const why = observation.inMode ? 'its pane stayed in copy mode' : `it stayed ${state}`;
      throw new DeliveryError('not-ready', `the agent did not accept input within ${settings.waitTimeoutMs} ms: ${why}`, {
        detection: observation.detection,
      });
    }
    if (observation.inMode && !leftMode) {
      await leaveMode(context.target);
      leftMode = true;
      continue;
    }
    leftMode = false;
    await pause(Math.min(settings.waitIntervalMs, Math.max(1, deadline - performance.now())), settings.signal);
  }
}

/** Ends copy mode (or any other pane mode), so keys reach the agent again. */
async function leaveMode(target: DeliveryTarget): Promise<void> {
  try {
    await target.client.run(['send-keys', '-X', '-t', target.paneId, 'cancel']);
  } catch (error) {
    // `not in a mode`: it left by itself in the meantime.
    if (!(error instanceof TmuxCommandError)) throw error;
  }
}

/** Empties the input line, pressing the detector's clearing keys until it reads empty. */
async function clearInput(
  context: DeliveryContext,
  ready: PaneObservation,
  settings: ResolvedDeliveryOptions,
): Promise<{ observation: PaneObservation; cleared?: string }> {
  const input = ready.detection.input;
  if (input === undefined || input === '') return { observation: ready };
  if (settings.existingInput === 'refuse') throw new InputNotEmptyError(input);
  const keys = context.detector.clearInputKeys;
  let current = ready;
  for (let press = 0; press < MAX_CLEAR_PRESSES && keys.length > 0; press++) {
    const before = current.detection.input;
    await context.target.client.sendKeys(context.target.paneId, keys);
    const { value, last } = await observeUntil(
      context.observe,
      (observation) => (hasExited(observation) || observation.detection.input !== before ? observation : undefined),
      { timeoutMs: settings.settleTimeoutMs, intervalMs: settings.pollIntervalMs, signal: settings.signal },
    );
    current = last;
    if (hasExited(current)) {
      throw new AgentExitedError(context.agent ?? context.target.paneId, describe(current.detection.evidence, 'nothing was typed'));
    }
    if (current.detection.input === '') return { observation: current, cleared: input };
    // No change, or the line can no longer be read: more presses will not help.
    if (value === undefined || current.detection.input === undefined) break;
  }
  const why = keys.length === 0 ? `the ${context.detector.name} detector has no keys to clear it` : 'it did not empty';
  throw new DeliveryError('input-not-cleared', `the input line held ${JSON.stringify(input)} and ${why}`, {
    detection: current.detection,
  });
}

/**
 * Waits for typed text to show: the input line ends with the message's end,
 * or holds text that has stopped changing (a program may show a paste as a
 * placeholder); for detectors that cannot read the input line, a changed
 * screen that has stopped changing.
 */
async function waitUntilShown(
  context: DeliveryContext,
  text: string,
  before: PaneObservation,
  settings: ResolvedDeliveryOptions,
): Promise<PaneObservation> {
  const tail = Array.from(compact(text)).slice(-TAIL_LENGTH).join('');
  let previous: PaneObservation | undefined;
  const { value, last } = await observeUntil(
    context.observe,
    (observation) => {
      const done = hasExited(observation) || isShown(observation, previous, before, tail);
      previous = observation;
      return done ? observation : undefined;
    },
    // No signal: once typing has begun the delivery finishes.
    { timeoutMs: settings.settleTimeoutMs, intervalMs: settings.pollIntervalMs },
  );
  if (hasExited(last)) throw exited(last, 0, 'exited while the message was typed');
  if (value === undefined && last.detection.input === '') {
    throw new DeliveryError('not-shown', `the typed message did not show in the input line within ${settings.settleTimeoutMs} ms`, {
      detection: last.detection,
    });
  }
  return last;
}

function isShown(observation: PaneObservation, previous: PaneObservation | undefined, before: PaneObservation, tail: string): boolean {
  const input = observation.detection.input;
  if (input !== undefined) {
    if (input === '') return false;
    if (tail !== '' && compact(input).includes(tail)) return true;
    return previous?.detection.input === input;
  }
  if (sameStrings(observation.screen.lines, before.screen.lines)) return false;
  if (tail !== '' && compact(observation.screen.lines.join('')).includes(tail)) return true;
  return previous !== undefined && sameStrings(observation.screen.lines, previous.screen.lines);
}

/** Submits and verifies, pressing Enter again while the agent shows no sign of taking the message. */
async function submitUntilTaken(
  context: DeliveryContext,
  shown: PaneObservation,
  settings: ResolvedDeliveryOptions,
): Promise<{ verifiedBy: VerifiedBy; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    await context.strategy.submit(context.target);
    const { value, last } = await observeUntil(context.observe, (observation) => takenBy(observation, shown), {
      timeoutMs: settings.verifyTimeoutMs,
      intervalMs: settings.pollIntervalMs,
    });
    if (value === 'exited') throw exited(last, attempts, 'exited after the message was submitted');
    if (value !== undefined) return { verifiedBy: value, attempts };
    if (attempts >= settings.maxSubmitAttempts) {
      const input = last.detection.input === undefined ? '' : `, input line ${JSON.stringify(last.detection.input)}`;
      throw new DeliveryError(
        'not-verified',
        `the agent showed no sign of taking the message after ${attempts} presses of Enter (state ${last.detection.state}${input})`,
        { detection: last.detection, attempts },
      );
    }
  }
}

function takenBy(observation: PaneObservation, shown: PaneObservation): VerifiedBy | 'exited' | undefined {
  if (hasExited(observation)) return 'exited';
  const { input, state } = observation.detection;
  if (input === '') return 'input-cleared';
  if (state !== shown.detection.state && state !== 'unknown' && state !== 'starting') return 'state-changed';
  if (input === undefined && shown.detection.input === undefined && !sameStrings(observation.screen.lines, shown.screen.lines)) {
    return 'screen-changed';
  }
  return undefined;
}

function hasExited(observation: PaneObservation): boolean {
  return observation.facts.paneDead || observation.detection.state === 'exited';
}

function exited(observation: PaneObservation, attempts: number, what: string): DeliveryError {
  return new DeliveryError('exited', `the agent ${what} (${describe(observation.detection.evidence, 'no evidence')})`, {
    detection: observation.detection,
    attempts,
  });
}

function describe(evidence: readonly string[], fallback: string): string {
  return evidence.length === 0 ? fallback : evidence.join('; ');
}

/** `text` without whitespace: what is left of it however a program wraps, indents or expands it. */
function compact(text: string): string {
  return text.replace(/\s+/gu, '');
}

