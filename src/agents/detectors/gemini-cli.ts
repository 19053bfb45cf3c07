/**
 * The Gemini CLI detector (`gemini`, checked against 0.61.0).
 *
 * @module
 */
import type { Detection, ProcessFacts } from '../state.js';
import { exitedFromFacts } from './process-exit.js';
import { screenDetector } from './screen-detector.js';
import { parseOptionList, promptFromList } from './prompt-text.js';
import { parseResetTime } from './reset-time.js';
import { allBlank, findLine, isBlank, screenEvidence, unbox } from './screen-text.js';

const NAME = 'gemini-cli';
/** `gemini` when run as such; `node` when started through the npm bundle (it re-launches itself). */
const PROCESS_NAMES: readonly string[] = ['gemini', 'node'];

/** The input line or a sent message: ` > text` (`!` in shell mode), boxed in older versions. */
const MESSAGE_LINE = /^\s?[>!] /u;
/** The empty input line's placeholder. */
const PLACEHOLDER = 'Type your message';
/** A limit: HTTP 429, quota, `RESOURCE_EXHAUSTED`. */
const LIMIT = /\b429\b|RESOURCE_EXHAUSTED|quota|rate.?limit|usage limit/iu;

/**
 * Reads Gemini CLI's screen.
 *
 * - `idle`: the input line (` >   Type your message or @path/to/file` when
 *   empty, ` > text` when not) under a rule, with no spinner.
 * - `working`: the spinner line above the rule (`⠧ Thinking... (esc to
 *   cancel, 16s)`). Gemini retries 500 and 429 silently for minutes showing
 *   only that line, so those read as `working`.
 * - `waiting`: a numbered menu with the `●` cursor in a box (the first-run
 *   trust-folder and authentication questions), or the API-key entry box (a
 *   prompt with no options).
 * - `errored` / `rate-limited`: a turn that ended with a `✕ …` error message
 *   (`rate-limited` when it is about HTTP 429, quota or `RESOURCE_EXHAUSTED`),
 *   or a spinner with a quota message under way.
 * - `starting`: nothing drawn yet, or the banner without an input line.
 * - `exited`: from process facts only.
 *
 * Experimental: no fixture shows `errored`, `rate-limited`, `starting` or a
 * tool-approval question (expected to be a numbered `●` menu and read as
 * `waiting`, unverified): the CLI kept retrying silently and no tool call was
 * reached. Keys, checked against the real CLI (0.61.0): `Escape` interrupts
 * (`esc to cancel`); a digit picks a menu option at once (the trust-folder
 * and authentication questions). `Escape Escape`, sent together, clears the
 * input line whatever it holds; send it only when the line holds text, as on
 * an empty line it asks to rewind the conversation. `C-u` clears one line but
 * leaves pasted lines above it.
 *
 * @example
 * const detector = createGeminiCliDetector();
 * const lines = await client.capturePane(paneId);
 * const { state, evidence } = detector.detect({ lines }, { paneDead: false, currentCommand: 'gemini', now: Date.now() });
 */
export const createGeminiCliDetector = screenDetector({
  name: NAME,
  experimental: true,
  processNames: PROCESS_NAMES,
  interruptKeys: ['Escape'],
  clearInputKeys: ['Escape', 'Escape'],
  detect: detectGemini,
});

function detectGemini(lines: readonly string[], facts: ProcessFacts, timeZone: string | undefined): Detection {
  const exited = exitedFromFacts(facts, PROCESS_NAMES);
  if (exited !== undefined) return exited;
  const inputLine = lastMessageLine(lines, lines.length);
  const list = parseOptionList(lines, ['●'], inputLine === -1 ? 0 : inputLine);
  if (list !== undefined) {
    const prompt = promptFromList(lines, list);
    return { state: 'waiting', evidence: [screenEvidence(prompt.question), `screen: a menu of ${list.options.length} options`], prompt };
  }
  const keyEntry = apiKeyEntry(lines);
  if (keyEntry !== undefined) return keyEntry;
  if (inputLine === -1) {
    if (allBlank(lines)) return { state: 'starting', evidence: ['screen: blank'] };
    const banner = findLine(lines, 'Gemini CLI');
    if (banner !== undefined) return { state: 'starting', evidence: [screenEvidence(banner), 'screen: no input line yet'] };
    return { state: 'unknown', evidence: ['screen: no input line and no question'] };
  }

  const input = inputText(lines, inputLine);
  const turnStart = lastMessageLine(lines, inputLine) + 1;
  const spinner = findLine(lines, 'esc to cancel', turnStart, inputLine);
  if (spinner !== undefined) {
    const limit = lines.slice(turnStart, inputLine).find((line) => LIMIT.test(line));
    if (limit !== undefined) {
      const resetAt = parseResetTime(limit, facts.now, timeZone);
      return { state: 'rate-limited', evidence: [screenEvidence(limit)], input, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { state: 'working', evidence: [screenEvidence(spinner.replace(/\s{2,}.*$/u, ''))], input };
  }
  const failure = lastError(lines, turnStart, inputLine);
  if (failure !== undefined) {
    if (LIMIT.test(failure)) {
      const resetAt = parseResetTime(failure, facts.now, timeZone);
      return { state: 'rate-limited', evidence: [screenEvidence(failure)], input, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { state: 'errored', evidence: [screenEvidence(failure)], input };
  }
  return { state: 'idle', evidence: [input === '' ? 'screen: empty input line' : 'screen: text in the input line'], input };
}

/** The API-key entry dialog: `(Press Enter to submit, Esc to cancel …)` under a title. */
function apiKeyEntry(lines: readonly string[]): Detection | undefined {
  const hint = lines.findIndex((line) => line.includes('Press Enter to submit'));
  if (hint === -1) return undefined;
  let top = hint;
  while (top > 0 && !(lines[top] ?? '').trimStart().startsWith('╭')) top--;
  let title = top + 1;
  while (title < hint && unbox(lines[title] ?? '').trim() === '') title++;
  const question = unbox(lines[title] ?? '').trim();
  return { state: 'waiting', evidence: [screenEvidence(question), screenEvidence('Press Enter to submit')], prompt: { question, options: [] } };
}

/** Index of the last input or message line above `before`; -1 if none. */
function lastMessageLine(lines: readonly string[], before: number): number {
  for (let index = before - 1; index >= 0; index--) {
    if (MESSAGE_LINE.test(unbox(lines[index] ?? ''))) return index;
  }
  return -1;
}

function inputText(lines: readonly string[], first: number): string {
  const parts = [unbox(lines[first] ?? '').replace(MESSAGE_LINE, '')];
  for (let next = first + 1; next < lines.length && !isBlank(unbox(lines[next] ?? '')); next++) {
    parts.push(unbox(lines[next] ?? '').replace(/^ {3}/u, ''));
  }
  const text = parts.join('\n').trimEnd();
  return text.trimStart().startsWith(PLACEHOLDER) ? '' : text;
}

/** The last `✕ …` error message in `lines[start, end)` that nothing but hints follow. */
function lastError(lines: readonly string[], start: number, end: number): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const line = unbox(lines[index] ?? '');
    if (line.startsWith('✕')) return line;
    if (/^[✦ℹ]/u.test(line)) return undefined;
  }
  return undefined;
}
