/**
 * The Codex detector (`codex`, checked against codex-cli 0.169.0).
 *
 * @module
 */
import type { Detection, ProcessFacts } from '../state.js';
import { exitedFromFacts } from './process-exit.js';
import { screenDetector } from './screen-detector.js';
import { findQuestion, parseOptionList, promptFromList } from './prompt-text.js';
import { parseResetTime } from './reset-time.js';
import { allBlank, findLine, isBlank, screenEvidence } from './screen-text.js';

const NAME = 'codex';
/** `codex` when the native binary runs directly; `node` when started through the npm launcher. */
const PROCESS_NAMES: readonly string[] = ['codex', 'node'];
const CURSORS: readonly string[] = ['›', '>'];

/** The composer or a sent message: `› text`. */
const MESSAGE_LINE = /^›(?:\s|$)/u;
/** A menu option under the `›` cursor, not a message. */
const OPTION_LINE = /^›\s+\d{1,2}\.\s/u;
/** The composer's placeholder, shown while it is empty. */
const PLACEHOLDERS: readonly string[] = ['Ask Codex to do anything'];
/** A turn or a retry that is about a limit. */
const LIMIT = /\b429\b|Too Many Requests|rate.?limit|usage limit/iu;

/**
 * Reads Codex's screen.
 *
 * - `idle`: the composer (`› Ask Codex to do anything`, or typed text) at the
 *   bottom with no live status line above it; `input` is '' while the footer
 *   shows `? for shortcuts` (the hint hides while the composer has text).
 * - `working`: a status line with `esc to interrupt` above the composer
 *   (`◦ Working (7s • esc to interrupt)`, `• Reconnecting... waiting for network`).
 * - `rate-limited`: that status line retrying after HTTP 429 (`Server is
 *   busy, reconnecting 1/1` over `└ Exceeded retry limit, last status: 429`),
 *   or a turn that ended with `■ exceeded retry limit, last status: 429 Too
 *   Many Requests` or a usage-limit message (`resetAt` from `try again in …`
 *   or `try again at …`, given `facts.now`).
 * - `errored`: a turn that ended with another `■ …` message.
 * - `waiting`: a numbered menu with the `›`/`>` cursor (the first-run
 *   sign-in menus), or the first-run API-key entry box (a prompt with no
 *   options).
 * - `starting`: `Waiting for startup` / `Reconnecting to server…` (the TUI
 *   has not reached its app-server yet), or nothing drawn yet.
 * - `exited`: from process facts only.
 *
 * Experimental: no tool-approval question was captured (the approval menu is
 * expected to be a numbered `›` list and reads as `waiting`, unverified), nor
 * a usage-limit message. Keys: `Escape` interrupts (`esc to interrupt`); a
 * digit picks a menu option at once (seen at the first-run sign-in menu).
 * `C-u` clears the composer, checked against the real CLI: one line per
 * press, so text of several lines needs one press per line (`Escape Escape`
 * does not clear it; `C-c` does, but quits Codex when the composer is empty).
 *
 * @example
 * const detector = createCodexDetector();
 * const lines = await client.capturePane(paneId);
 * const { state, evidence } = detector.detect({ lines }, { paneDead: false, currentCommand: 'codex', now: Date.now() });
 */
export const createCodexDetector = screenDetector({
  name: NAME,
  experimental: true,
  processNames: PROCESS_NAMES,
  interruptKeys: ['Escape'],
  clearInputKeys: ['C-u'],
  detect: detectCodex,
});

function detectCodex(lines: readonly string[], facts: ProcessFacts, timeZone: string | undefined): Detection {
  const exited = exitedFromFacts(facts, PROCESS_NAMES);
  if (exited !== undefined) return exited;
  const composer = findComposer(lines);
  const list = parseOptionList(lines, CURSORS, composer === undefined ? 0 : composer.first);
  if (list !== undefined) {
    const prompt = promptFromList(lines, list);
    return { state: 'waiting', evidence: [screenEvidence(prompt.question), `screen: a menu of ${list.options.length} options`], prompt };
  }
  if (composer === undefined) return detectWithoutComposer(lines);

  const input = composerInput(lines, composer);
  const turnStart = lastSentMessage(lines, composer.first) + 1;
  const startup = findLine(lines, 'Waiting for startup', composer.end) ?? findLine(lines, 'Reconnecting to server', turnStart, composer.first);
  if (startup !== undefined) return { state: 'starting', evidence: [screenEvidence(startup)], input };

  const statusIndex = lines.findIndex((line, index) => index >= turnStart && index < composer.first && line.includes('esc to interrupt'));
  if (statusIndex !== -1) {
    const status = lines.slice(statusIndex, composer.first).filter((line) => !isBlank(line));
    const limit = status.find((line) => LIMIT.test(line));
    if (limit !== undefined) {
      const resetAt = parseResetTime(limit, facts.now, timeZone);
      return { state: 'rate-limited', evidence: status.map(screenEvidence).slice(0, 2), input, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { state: 'working', evidence: [screenEvidence(lines[statusIndex] ?? '')], input };
  }

  const outcome = lastMessage(lines, turnStart, composer.first);
  if (outcome?.startsWith('■')) {
    const evidence = [screenEvidence(outcome)];
    if (LIMIT.test(outcome)) {
      const resetAt = parseResetTime(outcome, facts.now, timeZone);
      return { state: 'rate-limited', evidence, input, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { state: 'errored', evidence, input };
  }
  return { state: 'idle', evidence: [input === '' ? 'screen: empty composer' : 'screen: text in the composer'], input };
}

function detectWithoutComposer(lines: readonly string[]): Detection {
  const entryBox = lines.findIndex((line) => line.startsWith('╭'));
  const save = findLine(lines, 'Press enter to save');
  if (save !== undefined && entryBox !== -1) {
    const question = findQuestion(lines, entryBox);
    return { state: 'waiting', evidence: [screenEvidence(question), screenEvidence(save)], prompt: { question, options: [] } };
  }
  if (allBlank(lines)) return { state: 'starting', evidence: ['screen: blank'] };
  const banner = findLine(lines, 'OpenAI Codex');
  if (banner !== undefined) return { state: 'starting', evidence: [screenEvidence(banner), 'screen: no composer yet'] };
  return { state: 'unknown', evidence: ['screen: no composer and no question'] };
}

interface Composer {
  /** Its `›` line. */
  readonly first: number;
  /** The line after its last line. */
  readonly end: number;
}

/** The lowest `›` line that is not a menu option, with its wrapped lines. */
function findComposer(lines: readonly string[]): Composer | undefined {
  for (let first = lines.length - 1; first >= 0; first--) {
    const line = lines[first] ?? '';
    if (!MESSAGE_LINE.test(line) || OPTION_LINE.test(line)) continue;
    let end = first + 1;
    while (end < lines.length && !isBlank(lines[end]) && (lines[end] ?? '').startsWith('  ')) end++;
    return { first, end };
  }
  return undefined;
}

function composerInput(lines: readonly string[], composer: Composer): string {
  if (findLine(lines, '? for shortcuts', composer.end) !== undefined) return '';
  const parts = lines.slice(composer.first, composer.end).map((line, index) => (index === 0 ? line.slice(1).trimStart() : line.slice(2)));
  const text = parts.join('\n').trimEnd();
  return PLACEHOLDERS.includes(text) ? '' : text;
}

/** Index of the last message sent (`› text`) above `before`; -1 if none is on screen. */
function lastSentMessage(lines: readonly string[], before: number): number {
  for (let index = before - 1; index >= 0; index--) {
    if (MESSAGE_LINE.test(lines[index] ?? '')) return index;
  }
  return -1;
}

/** The last message (a line starting at column 0) in `lines[start, end)`, with its indented lines joined. */
function lastMessage(lines: readonly string[], start: number, end: number): string | undefined {
  for (let index = end - 1; index >= start; index--) {
    const line = lines[index] ?? '';
    if (isBlank(line) || line.startsWith(' ')) continue;
    const parts = [line.trim()];
    for (let next = index + 1; next < end && (lines[next] ?? '').startsWith('  ') && !isBlank(lines[next]); next++) {
      parts.push((lines[next] ?? '').trim());
    }
    return parts.join(' ');
  }
  return undefined;
}
