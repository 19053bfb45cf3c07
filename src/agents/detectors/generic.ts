/**
 * The generic detector: any CLI, described by patterns for its states.
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { integerAtLeast } from '../../util/options.js';
import type { AgentPrompt, AgentState, Detection, ProcessFacts, PromptOption, Screen } from '../state.js';
import type { Detector } from './detector.js';
import { describe, detectorOptions, stringListOption } from './detector-options.js';
import { exitedFromFacts } from './process-exit.js';
import { parseOptionList, promptFromList } from './prompt-text.js';
import { parseResetTime, validateTimeZone } from './reset-time.js';
import { lastNonBlankIndex, screenEvidence } from './screen-text.js';

/** What a line must match: a regular expression, or any of some substrings. */
export type ScreenPattern = RegExp | readonly string[];

/**
 * Options of {@link createGenericDetector}. At least one state pattern is
 * required.
 *
 * @example
 * createGenericDetector({
 *   name: 'my-repl',
 *   processNames: ['my-repl'],
 *   idle: /^my-repl> /,
 *   working: ['Thinking…'],
 *   waiting: /\(y\/n\)/,
 *   errored: ['Traceback (most recent call last)'],
 *   input: /^my-repl> (.*)$/,
 * })
 */
export interface GenericDetectorOptions {
  /**
   * The detector's name (the agent kind it is registered as).
   * @default 'generic'
   */
  readonly name?: string;
  /**
   * The program's process names (`#{pane_current_command}`); a shell in
   * front that is not one of them means the program exited.
   * @default []
   */
  readonly processNames?: readonly string[];
  /** Lines that mean `idle`, e.g. the program's prompt. */
  readonly idle?: ScreenPattern;
  /** Lines that mean `working`, e.g. a spinner. */
  readonly working?: ScreenPattern;
  /** Lines that mean `waiting` (a question); a numbered menu near it becomes the prompt's options. */
  readonly waiting?: ScreenPattern;
  /** Lines that mean `rate-limited`; a reset time on the matching line becomes `resetAt`. */
  readonly rateLimited?: ScreenPattern;
  /** Lines that mean `errored`. */
  readonly errored?: ScreenPattern;
  /** Lines that mean `starting`, e.g. a banner. */
  readonly starting?: ScreenPattern;
  /** Reads the unsubmitted input: the first capture group on the lowest line it matches. */
  readonly input?: RegExp;
  /**
   * How many lines, up from the last non-blank one, the patterns are tried on.
   * @default 10
   */
  readonly tailLines?: number;
  /**
   * Delivery strategy name.
   * @default 'bracketed-paste'
   */
  readonly delivery?: string;
  /**
   * Keys that interrupt the program.
   * @default ['C-c']
   */
  readonly interruptKeys?: readonly string[];
  /**
   * Keys that clear the input line.
   * @default ['C-u']
   */
  readonly clearInputKeys?: readonly string[];
  /**
   * Press Enter after an option's key to answer a question.
   * @default true
   */
  readonly confirmAnswer?: boolean;
  /**
   * IANA time zone the program shows times in, for `resetAt`.
   * @default the local time zone
   */
  readonly timeZone?: string;
}

/** Which state a pattern option means, in the order they are tried. */
const PATTERN_STATES = [
  ['waiting', 'waiting'],
  ['rateLimited', 'rate-limited'],
  ['errored', 'errored'],
  ['working', 'working'],
  ['idle', 'idle'],
  ['starting', 'starting'],
] as const satisfies readonly (readonly [keyof GenericDetectorOptions, AgentState])[];

const KNOWN_OPTIONS: readonly string[] = [
  'name',
  'processNames',
  ...PATTERN_STATES.map(([option]) => option),
  'input',
  'tailLines',
  'delivery',
  'interruptKeys',
  'clearInputKeys',
  'confirmAnswer',
  'timeZone',
];

/** Cursors a numbered menu may use. */
const CURSORS: readonly string[] = ['❯', '›', '>', '●', '→', '▶', '*'];

type LineTest = (line: string) => boolean;

/**
 * Makes a detector from patterns. Process facts come first: a dead pane, or
 * a shell in front that is not one of `processNames`, is `exited` whatever
 * the screen says. Otherwise the patterns are tried on the last `tailLines`
 * lines (ending at the last non-blank one) in this order, and the first that
 * matches any line decides: `waiting`, `rateLimited`, `errored`, `working`,
 * `idle`, `starting`; none gives `unknown`. Regular expressions lose their
 * `g` and `y` flags (so that testing a line has no state); string patterns
 * match as substrings. Accepts input when `idle`.
 *
 * @throws {@link InvalidOptionError} for an unknown option, a malformed
 *   pattern or value, or when no state pattern is given.
 * @example
 * const detector = createGenericDetector({ name: 'my-repl', processNames: ['my-repl'], idle: /^my-repl> /, working: ['Thinking…'] });
 * detector.detect({ lines: ['my-repl> '] }, { paneDead: false, currentCommand: 'my-repl' }).state; // 'idle'
 */
export function createGenericDetector(options?: GenericDetectorOptions | Readonly<Record<string, unknown>>): Detector {
  const checked = detectorOptions('generic', options, KNOWN_OPTIONS);
  const name = nonEmptyString('name', checked['name'], 'generic');
  const processNames = stringListOption('processNames', checked['processNames'], []);
  const tests: [AgentState, LineTest][] = [];
  for (const [option, state] of PATTERN_STATES) {
    const test = lineTest(option, checked[option]);
    if (test !== undefined) tests.push([state, test]);
  }
  if (tests.length === 0) {
    throw new InvalidOptionError(`Expected at least one state pattern (${PATTERN_STATES.map(([option]) => `\`${option}\``).join(', ')}) for the \`generic\` detector`);
  }
  const input = checked['input'];
  if (input !== undefined && !(input instanceof RegExp)) {
    throw new InvalidOptionError(`Expected \`input\` to be a RegExp, got \`${describe(input)}\` (${typeof input})`);
  }
  const inputPattern = input === undefined ? undefined : statelessRegExp(input);
  const tailLines = integerAtLeast('tailLines', checked['tailLines'] as number | undefined, 10, 1);
  const delivery = nonEmptyString('delivery', checked['delivery'], 'bracketed-paste');
  const interruptKeys = stringListOption('interruptKeys', checked['interruptKeys'], ['C-c'], true);
  const clearInputKeys = stringListOption('clearInputKeys', checked['clearInputKeys'], ['C-u'], true);
  const confirmAnswer = checked['confirmAnswer'] ?? true;
  if (typeof confirmAnswer !== 'boolean') {
    throw new InvalidOptionError(`Expected \`confirmAnswer\` to be a boolean, got \`${describe(confirmAnswer)}\` (${typeof confirmAnswer})`);
  }
  const timeZone = validateTimeZone('timeZone', checked['timeZone']);

  const detect = (screen: Screen, facts: ProcessFacts): Detection => {
    const exited = exitedFromFacts(facts, processNames);
    if (exited !== undefined) return exited;
    const lines = screen.lines;
    const end = lastNonBlankIndex(lines) + 1;
    const start = Math.max(0, end - tailLines);
    const inputText = inputPattern === undefined ? undefined : readInput(lines, start, end, inputPattern);
    const withInput = inputText === undefined ? {} : { input: inputText };
    for (const [state, test] of tests) {
      const line = findLowest(lines, start, end, test);
      if (line === undefined) continue;
      const evidence = [screenEvidence(line)];
      if (state === 'waiting') return { state, evidence, prompt: waitingPrompt(lines, start, end, line), ...withInput };
      if (state === 'rate-limited') {
        const resetAt = parseResetTime(line, facts.now, timeZone);
        return { state, evidence, ...(resetAt === undefined ? {} : { resetAt }), ...withInput };
      }
      return { state, evidence, ...withInput };
    }
    return { state: 'unknown', evidence: [`screen: no pattern matched the last ${tailLines} lines`], ...withInput };
  };

  return {
    name,
    experimental: false,
    processNames,
    delivery,
    acceptsInput: ['idle'],
    interruptKeys,
    clearInputKeys,
    answerKeys: (_prompt: AgentPrompt, option: PromptOption) => (confirmAnswer ? [option.key, 'Enter'] : [option.key]),
    detect,
  };
}

function nonEmptyString(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(`Expected \`${name}\` to be a non-empty string, got \`${describe(value)}\` (${typeof value})`);
  }
  return value;
}

function lineTest(name: string, value: unknown): LineTest | undefined {
  if (value === undefined) return undefined;
  if (value instanceof RegExp) {
    const pattern = statelessRegExp(value);
    return (line) => pattern.test(line);
  }
  const substrings = stringListOption(name, value, [], true);
  return (line) => substrings.some((substring) => line.includes(substring));
}

function statelessRegExp(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/gu, '')) : pattern;
}

function findLowest(lines: readonly string[], start: number, end: number, test: LineTest): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const line = lines[index] ?? '';
    if (test(line)) return line;
  }
  return undefined;
}

function readInput(lines: readonly string[], start: number, end: number, pattern: RegExp): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const match = pattern.exec(lines[index] ?? '');
    if (match !== null) return (match[1] ?? '').trimEnd();
  }
  return undefined;
}

function waitingPrompt(lines: readonly string[], start: number, end: number, matched: string): AgentPrompt {
  const list = parseOptionList(lines, CURSORS, start, end);
  return list === undefined ? { question: matched.trim(), options: [] } : promptFromList(lines, list, start);
}
