/**
 * The Claude Code detector (`claude`, checked against v2.1.197).
 *
 * @module
 */
import type { Detection, ProcessFacts } from '../state.js';
import { exitedFromFacts } from './process-exit.js';
import { screenDetector } from './screen-detector.js';
import { parseOptionList, promptFromList } from './prompt-text.js';
import { parseResetTime } from './reset-time.js';
import { allBlank, findLine, isBlank, isRule, screenEvidence } from './screen-text.js';

const NAME = 'claude-code';
const PROCESS_NAMES: readonly string[] = ['claude'];
const NBSP = '\u00a0';

/** A status line under a turn: `✻ Nucleating… (4s · ↓ 8 tokens)`, `* Discombobulating…`, `✻ Churned for 8s`. */
const STATUS_LINE = /^[·✢✳✶✻✽*+] \S/u;
/** A limit on a status line: `Session limit reached · Retrying in 4s (7:18am)`. */
const LIMIT_STATUS = /limit reached|rate limit|usage limit/iu;
/** A turn that ended on a limit: `API Error: Request rejected (429)`, `5-hour limit reached ∙ resets 7pm`. */
const LIMIT_MESSAGE = /\b429\b|rate.?limit|limit reached|usage limit|hit your (?:usage )?limit/iu;
/** A turn that ended on a limit or an error, as its last `●` message starts. */
const FAILED_TURN = /^(?:API Error:|Claude AI usage limit reached|[\w-]+ limit reached|You've hit your (?:usage )?limit)/iu;

/** Where the input box is: `top` is its upper rule, `first` its `❯` line, `end` its lower rule (or the screen's end). */
interface InputBox {
  readonly top: number;
  readonly first: number;
  readonly end: number;
}

/**
 * Reads Claude Code's screen.
 *
 * - `idle`: the input box (`❯` + NO-BREAK SPACE between two rules) with no
 *   spinner; `input` is its text (`[Pasted text #1 +11 lines]` counts).
 * - `working`: `esc to interrupt` under the box, or a live spinner line
 *   (`✻ Verb… (Ns · ↓ N tokens)`, `✻ API error · Retrying in 4s`) above it.
 * - `waiting`: no input box and a numbered menu with the `❯` cursor: tool
 *   approvals (`Do you want to proceed?`), the first-run trust-folder and
 *   API-key questions.
 * - `rate-limited`: a live `Session limit reached · Retrying in 4s (7:18am)`
 *   (with `resetAt` from the clock time, given `facts.now`), or a turn that
 *   ended with `API Error: Request rejected (429)` or a usage-limit message.
 * - `errored`: a turn that ended with another `API Error: …` above the idle
 *   box (the CLI already retried). Only the latest turn counts: an error
 *   above a later turn is history.
 * - `idle` also while `Press Ctrl-C again to exit` is under the box: that note
 *   is newer than whatever the turn above it ended with.
 * - `starting`: a blank screen or the banner without an input box yet (no
 *   captured screen shows this: the CLI draws its box at once).
 * - `exited`: from process facts only (pane dead, or a shell back in front).
 *
 * Keys, checked against the real CLI (2.1.197): `Escape` interrupts. Typing
 * an option's digit picks it at once, no Enter (the trust-folder and API-key
 * questions and `1`/`2`/`3` at a tool approval). `Escape Escape` clears the
 * input box whatever it holds (one line, several lines, a collapsed paste):
 * the first shows `Esc again to clear`, the second clears. Send it only when
 * the box holds text: on an empty box after a turn it opens the Rewind menu
 * (`Escape` closes it). `C-u` clears one line or a collapsed paste but only
 * the last line of several; `C-c` clears text but on an empty box arms exit.
 *
 * @example
 * const detector = createClaudeCodeDetector({ timeZone: 'Europe/Paris' });
 * const lines = await client.capturePane(paneId);
 * const { state, evidence, prompt } = detector.detect({ lines }, { paneDead: false, currentCommand: 'claude', now: Date.now() });
 * if (state === 'waiting' && prompt) console.log(prompt.question, prompt.options.map((o) => o.label));
 */
export const createClaudeCodeDetector = screenDetector({
  name: NAME,
  experimental: false,
  processNames: PROCESS_NAMES,
  interruptKeys: ['Escape'],
  clearInputKeys: ['Escape', 'Escape'],
  detect: detectClaudeCode,
});

function detectClaudeCode(lines: readonly string[], facts: ProcessFacts, timeZone: string | undefined): Detection {
  const exited = exitedFromFacts(facts, PROCESS_NAMES);
  if (exited !== undefined) return exited;
  const box = findInputBox(lines);
  if (box === undefined) return detectWithoutInputBox(lines);

  const input = boxInput(lines, box);
  const inputEvidence = input === '' ? 'screen: empty input box' : 'screen: text in the input box';
  const turnStart = lastUserMessage(lines, box.top) + 1;
  const status = lastStatusLine(lines, turnStart, box.top);
  const interruptHint = findLine(lines, 'esc to interrupt', box.end + 1);
  const liveStatus = status !== undefined && (status.includes('…') || status.includes('Retrying in')) ? status : undefined;

  if (liveStatus !== undefined && LIMIT_STATUS.test(liveStatus)) {
    const resetAt = parseResetTime(liveStatus, facts.now, timeZone);
    return { state: 'rate-limited', evidence: [screenEvidence(liveStatus)], input, ...(resetAt === undefined ? {} : { resetAt }) };
  }
  if (interruptHint !== undefined || liveStatus !== undefined) {
    const evidence = [
      ...(interruptHint === undefined ? [] : [screenEvidence('esc to interrupt')]),
      ...(liveStatus === undefined ? [] : [screenEvidence(liveStatus)]),
    ];
    return { state: 'working', evidence, input };
  }
  const exitNote = findLine(lines, 'Press Ctrl-C again to exit', box.end + 1);
  if (exitNote !== undefined) return { state: 'idle', evidence: [inputEvidence, screenEvidence('Press Ctrl-C again to exit')], input };

  const outcome = lastMessage(lines, turnStart, box.top);
  if (outcome !== undefined && FAILED_TURN.test(outcome)) {
    if (LIMIT_MESSAGE.test(outcome)) {
      const resetAt = parseResetTime(outcome, facts.now, timeZone);
      return { state: 'rate-limited', evidence: [screenEvidence(outcome), inputEvidence], input, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { state: 'errored', evidence: [screenEvidence(outcome), inputEvidence], input };
  }
  return { state: 'idle', evidence: [inputEvidence], input };
}

function detectWithoutInputBox(lines: readonly string[]): Detection {
  let dialogTop = 0;
  for (let index = lines.length - 1; index >= 0; index--) {
    if (isRule(lines[index])) {
      dialogTop = index + 1;
      break;
    }
  }
  const list = parseOptionList(lines, ['❯'], dialogTop);
  if (list !== undefined) {
    const prompt = promptFromList(lines, list, dialogTop);
    const selected = list.options.find((option) => option.selected);
    return {
      state: 'waiting',
      evidence: [screenEvidence(prompt.question), screenEvidence(`❯ ${selected?.key ?? ''}. ${selected?.label ?? ''}`)],
      prompt,
    };
  }
  if (allBlank(lines)) return { state: 'starting', evidence: ['screen: blank'] };
  const banner = findLine(lines, 'Claude Code');
  if (banner !== undefined) return { state: 'starting', evidence: [screenEvidence(banner), 'screen: no input box yet'] };
  return { state: 'unknown', evidence: ['screen: no input box and no question'] };
}

/** The lowest `❯` line right under a rule, and the rule that closes it. */
function findInputBox(lines: readonly string[]): InputBox | undefined {
  for (let first = lines.length - 1; first >= 1; first--) {
    if (!(lines[first] ?? '').startsWith('❯') || !isRule(lines[first - 1])) continue;
    let end = first + 1;
    while (end < lines.length && !isRule(lines[end])) end++;
    return { top: first - 1, first, end };
  }
  return undefined;
}

/** The box's text: after `❯` and one (NO-BREAK) space, continuation lines without their indent. */
function boxInput(lines: readonly string[], box: InputBox): string {
  const parts: string[] = [];
  for (let index = box.first; index < box.end; index++) {
    const line = lines[index] ?? '';
    if (index === box.first) {
      const rest = line.slice(1);
      parts.push(rest.startsWith(NBSP) || rest.startsWith(' ') ? rest.slice(1) : rest);
    } else {
      parts.push(line.startsWith('  ') ? line.slice(2) : line);
    }
  }
  return parts.join('\n').replaceAll(NBSP, ' ').trimEnd();
}

/** Index of the last message the user sent (`❯ text`, a plain space) above `before`; -1 if none is on screen. */
function lastUserMessage(lines: readonly string[], before: number): number {
  for (let index = before - 1; index >= 0; index--) {
    if ((lines[index] ?? '').startsWith('❯ ')) return index;
  }
  return -1;
}

function lastStatusLine(lines: readonly string[], start: number, end: number): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const line = lines[index] ?? '';
    if (STATUS_LINE.test(line)) return line;
  }
  return undefined;
}

/** The last `●` message in `lines[start, end)`, its wrapped lines joined. */
function lastMessage(lines: readonly string[], start: number, end: number): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const line = lines[index] ?? '';
    if (!line.startsWith('●')) continue;
    const parts = [line.slice(1).trim()];
    for (let next = index + 1; next < end; next++) {
      const more = lines[next] ?? '';
      if (isBlank(more) || !more.startsWith('  ') || more.trimStart().startsWith('⎿')) break;
      parts.push(more.trim());
    }
    return parts.join(' ');
  }
  return undefined;
}
