/**
 * The fake agent's script: how it answers each message (reply, ask for
 * approval, hit a rate limit, fail, crash), checked up front with messages
 * that say which field is wrong.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';

/**
 * Which messages a step is for. Every condition given must hold; a step
 * without `on` is for every message.
 */
export interface StepTrigger {
  /** The message contains this text (case-sensitive). */
  readonly match?: string;
  /** The message is the n-th one submitted (1-based, counting every message). */
  readonly nth?: number;
}

/** What every kind of step may say. */
export interface FakeAgentStepBase {
  /** Which messages the step is for; every message when unset. */
  readonly on?: StepTrigger;
  /** How long the agent works before acting, in ms; the script's `workMs` when unset. */
  readonly workMs?: number;
}

/** Work, then reply. */
export interface ReplyStep extends FakeAgentStepBase {
  /** The kind of step. */
  readonly do: 'reply';
  /** The reply; the script's `reply` when unset. `{seq}` and `{text}` stand for the message's number and text. */
  readonly reply?: string;
}

/**
 * Work, then ask to run a tool and wait for an answer (the `waiting` state).
 * Any option but the last goes on (works again, then replies); the last one,
 * or Escape, refuses and ends the turn.
 */
export interface ApprovalStep extends FakeAgentStepBase {
  /** The kind of step. */
  readonly do: 'approval';
  /** @default 'Bash' */
  readonly tool?: string;
  /** What the tool would run. @default 'touch notes.txt' */
  readonly command?: string;
  /** @default 'Do you want to proceed?' */
  readonly question?: string;
  /**
   * Two to nine options, numbered from 1; the first is selected.
   * @default ['Yes', 'Yes, and always allow access to project/ from this project', 'No']
   */
  readonly options?: readonly string[];
  /** The reply once approved; the script's `reply` when unset. */
  readonly reply?: string;
}

/**
 * Work, then show a session limit (`rate-limited`) with a countdown to the
 * reset time, then reply as if the retry went through.
 */
export interface RateLimitStep extends FakeAgentStepBase {
  /** The kind of step. */
  readonly do: 'rate-limit';
  /** Seconds until the limit resets. @default 60 */
  readonly resetInSeconds?: number;
  /** The reply after the reset; the script's `reply` when unset. */
  readonly reply?: string;
}

/** Work, then end the turn with an API error (`errored`) and go back to the prompt. */
export interface ErrorStep extends FakeAgentStepBase {
  /** The kind of step. */
  readonly do: 'error';
  /** @default 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.' */
  readonly message?: string;
}

/** Work, then print a stack trace and exit with a status (`exited`). */
export interface CrashStep extends FakeAgentStepBase {
  /** The kind of step. */
  readonly do: 'crash';
  /** Exit status, 0 to 255. @default 1 */
  readonly exitCode?: number;
  /** The error's message. @default 'the fake agent crashed' */
  readonly message?: string;
}

/** One rule of a {@link FakeAgentScript}. */
export type FakeAgentStep = ReplyStep | ApprovalStep | RateLimitStep | ErrorStep | CrashStep;

/** What the fake agent does, as JSON. */
export interface FakeAgentScript {
  /** Ask the first-run "trust this folder" question before the prompt. @default false */
  readonly trustPrompt?: boolean;
  /** Show a blank screen this long before anything else, in ms (the `starting` state). @default 0 */
  readonly startupMs?: number;
  /** How long each message keeps the agent working, in ms. @default 200 */
  readonly workMs?: number;
  /** The reply to a message no step claims. `{seq}` and `{text}` are replaced. @default 'OK.' */
  readonly reply?: string;
  /** Rules tried in order for each message; the first whose `on` holds decides. */
  readonly steps?: readonly FakeAgentStep[];
}

/** A checked {@link FakeAgentScript} with its defaults filled in. */
export interface ResolvedScript {
  /** See {@link FakeAgentScript.trustPrompt}. */
  readonly trustPrompt: boolean;
  /** See {@link FakeAgentScript.startupMs}. */
  readonly startupMs: number;
  /** See {@link FakeAgentScript.workMs}. */
  readonly workMs: number;
  /** See {@link FakeAgentScript.reply}. */
  readonly reply: string;
  /** See {@link FakeAgentScript.steps}. */
  readonly steps: readonly FakeAgentStep[];
}

/** The longest delay `setTimeout` can wait. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Defaults of the steps' optional fields. */
export const STEP_DEFAULTS = {
  tool: 'Bash',
  command: 'touch notes.txt',
  question: 'Do you want to proceed?',
  options: ['Yes', 'Yes, and always allow access to project/ from this project', 'No'],
  resetInSeconds: 60,
  errorMessage: 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.',
  exitCode: 1,
  crashMessage: 'the fake agent crashed',
} as const;

const STEP_FIELDS: Readonly<Record<FakeAgentStep['do'], readonly string[]>> = {
  reply: ['reply'],
  approval: ['tool', 'command', 'question', 'options', 'reply'],
  'rate-limit': ['resetInSeconds', 'reply'],
  error: ['message'],
  crash: ['exitCode', 'message'],
};

/**
 * Checks a script (an object, or its JSON text) and fills in the defaults.
 *
 * @throws `InvalidOptionError` naming the first field that is wrong, e.g.
 *   ``Expected `steps[1].on.nth` to be an integer >= 1, got `0` (number)``.
 * @example
 * const script = parseFakeAgentScript({ steps: [{ on: { nth: 2 }, do: 'rate-limit', resetInSeconds: 30 }] });
 * script.workMs; // 200, the default
 * parseFakeAgentScript('{"steps": [{"do": "explode"}]}'); // throws InvalidOptionError naming `steps[0].do`
 */
export function parseFakeAgentScript(input: unknown): ResolvedScript {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new InvalidOptionError(`Expected the fake agent's script to be JSON: ${(error as Error).message}`);
    }
  }
  const script = record('script', value, ['trustPrompt', 'startupMs', 'workMs', 'reply', 'steps']);
  const steps = optional(script, 'steps', (name, v) => array(name, v), []);
  return {
    trustPrompt: optional(script, 'trustPrompt', boolean, false),
    startupMs: optional(script, 'startupMs', delay, 0),
    workMs: optional(script, 'workMs', delay, 200),
    reply: optional(script, 'reply', string, 'OK.'),
    steps: steps.map((step, index) => checkStep(`steps[${index}]`, step)),
  };
}

/** The first step of `script` for message number `seq` with text `text`, if any. */
export function stepFor(script: ResolvedScript, seq: number, text: string): FakeAgentStep | undefined {
  return script.steps.find(
    (step) => (step.on?.match === undefined || text.includes(step.on.match)) && (step.on?.nth === undefined || step.on.nth === seq),
  );
}

/** `template` with `{seq}` and `{text}` replaced. */
export function fillReply(template: string, seq: number, text: string): string {
  return template.replace(/\{(seq|text)\}/gu, (_, key: string) => (key === 'seq' ? String(seq) : text));
}

function checkStep(name: string, value: unknown): FakeAgentStep {
  const kind = record(name, value, null)['do'];
  if (typeof kind !== 'string' || !(kind in STEP_FIELDS)) {
    throw new InvalidOptionError(
      `Expected \`${name}.do\` to be one of ${Object.keys(STEP_FIELDS).map((k) => `"${k}"`).join(', ')}, got ${describe(kind)}`,
    );
  }
  const fields = STEP_FIELDS[kind as FakeAgentStep['do']];
  const step = record(name, value, ['do', 'on', 'workMs', ...fields]);
  const on = step['on'] === undefined ? undefined : record(`${name}.on`, step['on'], ['match', 'nth']);
  if (on !== undefined) {
    optional(on, 'match', string, '', `${name}.on`);
    optional(on, 'nth', (n, v) => integer(n, v, 1, Number.MAX_SAFE_INTEGER), 1, `${name}.on`);
  }
  optional(step, 'workMs', delay, 0, name);
  for (const field of ['reply', 'tool', 'command', 'question', 'message']) optional(step, field, string, '', name);
  optional(step, 'resetInSeconds', (n, v) => integer(n, v, 1, Math.floor(MAX_DELAY_MS / 1000)), 1, name);
  optional(step, 'exitCode', (n, v) => integer(n, v, 0, 255), 0, name);
  const options = optional(step, 'options', (n, v) => array(n, v), [], name);
  if (step['options'] !== undefined) {
    if (options.length < 2 || options.length > 9) {
      throw new InvalidOptionError(`Expected \`${name}.options\` to have 2 to 9 options, got ${options.length}`);
    }
    options.forEach((option, index) => string(`${name}.options[${index}]`, option));
  }
  return step as unknown as FakeAgentStep;
}

type Check<T> = (name: string, value: unknown) => T;

/** The field's checked value, or `fallback` when it is absent. */
function optional<T>(object: Record<string, unknown>, key: string, check: Check<T>, fallback: T, parent = ''): T {
  const value = object[key];
  return value === undefined ? fallback : check(parent === '' ? key : `${parent}.${key}`, value);
}

function record(name: string, value: unknown, allowed: readonly string[] | null): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
  const object = value as Record<string, unknown>;
  const unknown = allowed === null ? undefined : Object.keys(object).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new InvalidOptionError(`Unknown field \`${unknown}\` in \`${name}\`; expected one of ${allowed?.join(', ') ?? ''}`);
  }
  return object;
}

function array(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new InvalidOptionError(`Expected \`${name}\` to be an array, got ${describe(value)}`);
  return value as unknown[];
}

function string(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidOptionError(`Expected \`${name}\` to be a string, got ${describe(value)}`);
  return value;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  return value;
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(`Expected \`${name}\` to be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function delay(name: string, value: unknown): number {
  return integer(name, value, 0, MAX_DELAY_MS);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\` (${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value})`;
}
