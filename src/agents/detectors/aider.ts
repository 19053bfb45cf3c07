/**
 * The Aider detector (`aider`), written from Aider's documented screens; no
 * screen of it was captured.
 *
 * @module
 */
import type { AgentPrompt, Detection, ProcessFacts, PromptOption } from '../state.js';
import { exitedFromFacts } from './process-exit.js';
import { screenDetector } from './screen-detector.js';
import { parseResetTime } from './reset-time.js';
import { lastNonBlankIndex, screenEvidence } from './screen-text.js';

const NAME = 'aider';
/** `aider` for the installed script; `python`/`python3` for `python -m aider`. */
const PROCESS_NAMES: readonly string[] = ['aider', 'python', 'python3'];

/** The input prompt: `> `, or with the chat mode in front (`ask> `, `architect> `, `multi> `). */
const PROMPT = /^(?:[a-z][\w-]*(?: [a-z][\w-]*)?)?> ?/u;
/** A yes/no question: `Add foo.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: `. */
const CONFIRM = /^(.*\?)\s*((?:\([A-Za-z]\)[^/[]*\/?)+)\[([^\]]*)\]:\s?(.*)$/u;
/** An LLM call that failed, as litellm reports it: `litellm.RateLimitError: …`. */
const API_ERROR = /\blitellm\.\w*(?:Error|Exception)\b|\bAPIError\b|\bAuthenticationError\b/u;
/** A failure that is about a limit. */
const LIMIT = /RateLimitError|\b429\b|rate.?limit|quota|overloaded/iu;

/**
 * Reads Aider's screen (prompt_toolkit input at the bottom).
 *
 * - `idle`: the last line is the prompt (`> `, `ask> `…); `input` is what
 *   follows it.
 * - `waiting`: the last line is a question such as `Add foo.py to the chat?
 *   (Y)es/(N)o/(D)on't ask again [Yes]: ` (options keyed by their letter, the
 *   bracketed default selected).
 * - `errored` / `rate-limited`: a `litellm.…Error` between the last message
 *   and a fresh prompt (`rate-limited` for `RateLimitError`, 429, quota).
 * - `rate-limited` also while it says `Retrying in N seconds` after a rate
 *   limit (`resetAt` from that, given `facts.now`).
 * - `working`: anything else while Aider is in front (a reply streaming, the
 *   `Waiting for <model>` spinner).
 * - `starting`: nothing drawn yet.
 * - `exited`: from process facts only.
 *
 * Experimental: Aider is a Python program that could not be installed where
 * these detectors were checked, so no state has a fixture captured from the
 * real program: `starting`, `idle`, `working`, `waiting`, `rate-limited`,
 * `errored` all follow Aider's documentation and source, unverified. Keys:
 * `C-c` interrupts a reply; an answer is its letter then Enter; `C-u`
 * clears the input line (prompt_toolkit's Emacs bindings).
 *
 * @example
 * const detector = createAiderDetector();
 * const lines = await client.capturePane(paneId);
 * const { state, input } = detector.detect({ lines }, { paneDead: false, currentCommand: 'aider', now: Date.now() });
 */
export const createAiderDetector = screenDetector({
  name: NAME,
  experimental: true,
  processNames: PROCESS_NAMES,
  interruptKeys: ['C-c'],
  clearInputKeys: ['C-u'],
  answerKeys: (_prompt: AgentPrompt, option: PromptOption) => [option.key, 'Enter'],
  detect: detectAider,
});

function detectAider(lines: readonly string[], facts: ProcessFacts, timeZone: string | undefined): Detection {
  const exited = exitedFromFacts(facts, PROCESS_NAMES);
  if (exited !== undefined) return exited;
  const last = lastNonBlankIndex(lines);
  if (last === -1) return { state: 'starting', evidence: ['screen: blank'] };
  const bottom = lines[last] ?? '';

  const question = CONFIRM.exec(bottom);
  if (question !== null) {
    const prompt = confirmPrompt(question[1] ?? '', question[2] ?? '', question[3] ?? '');
    return { state: 'waiting', evidence: [screenEvidence(bottom)], prompt, input: (question[4] ?? '').trimEnd() };
  }

  const turnStart = previousPrompt(lines, last) + 1;
  const failure = lines.slice(turnStart, last).find((line) => API_ERROR.test(line));
  const promptMatch = PROMPT.exec(bottom);
  if (promptMatch !== null) {
    const input = bottom.slice(promptMatch[0].length).trimEnd();
    if (failure !== undefined) {
      const state = LIMIT.test(failure) ? 'rate-limited' : 'errored';
      return { state, evidence: [screenEvidence(failure)], input };
    }
    return { state: 'idle', evidence: [screenEvidence(promptMatch[0])], input };
  }

  const retry = lines.slice(turnStart, last + 1).findLast((line) => /Retrying in/iu.test(line));
  if (retry !== undefined && failure !== undefined && LIMIT.test(failure)) {
    const resetAt = parseResetTime(retry, facts.now, timeZone);
    return { state: 'rate-limited', evidence: [screenEvidence(failure), screenEvidence(retry)], ...(resetAt === undefined ? {} : { resetAt }) };
  }
  return { state: 'working', evidence: ['screen: no prompt on the last line'] };
}

/** Index of the prompt line (a sent message) above `before`; -1 if none is on screen. */
function previousPrompt(lines: readonly string[], before: number): number {
  for (let index = before - 1; index >= 0; index--) {
    const line = lines[index] ?? '';
    if (PROMPT.test(line) && !CONFIRM.test(line)) return index;
  }
  return -1;
}

/** `(Y)es/(N)o/(D)on't ask again` with default `Yes` → options `y`, `n`, `d`. */
function confirmPrompt(question: string, choices: string, fallback: string): AgentPrompt {
  const options: PromptOption[] = [];
  for (const [, letter, rest] of choices.matchAll(/\(([A-Za-z])\)([^/]*)/gu)) {
    const label = `${letter ?? ''}${rest ?? ''}`.trim();
    options.push({ key: (letter ?? '').toLowerCase(), label, selected: label.toLowerCase() === fallback.trim().toLowerCase() });
  }
  return { question: question.trim(), options };
}
