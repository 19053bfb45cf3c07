/**
 * Reading the questions agents ask on screen: numbered option lists with a
 * cursor (`❯ 1. Yes` / `  2. No`) and the question above them.
 *
 * @module
 */
import type { AgentPrompt, PromptOption } from '../state.js';
import { isRule, unbox } from './screen-text.js';

/** A numbered option list found on screen. */
export interface OptionList {
  readonly options: readonly PromptOption[];
  /** Index of the line of the first option. */
  readonly first: number;
  /** Index of the line of the last option. */
  readonly last: number;
}

/** `❯ 1. Yes`, `  2. No`, `› 3. Sign in another way`: marker, number, label. */
const OPTION = /^\s*(?:(\S)\s+)?(\d{1,2})\.\s+(\S.*?)\s*$/u;

/** Lines (descriptions, blanks) allowed between two options of one list. */
const MAX_GAP = 3;

interface Run {
  options: PromptOption[];
  first: number;
  last: number;
}

/**
 * Finds the last numbered list in `lines[start, end)` that looks like a
 * menu: options numbered 1, 2, 3… (at least two), exactly one of them marked
 * with one of `markers` (the cursor). Box borders are ignored. Lines between
 * options (descriptions, blank lines) are allowed, up to three in a row.
 *
 * @example
 * parseOptionList([' ❯ 1. Yes', '   2. No'], ['❯'])
 * // { options: [{ key: '1', label: 'Yes', selected: true }, { key: '2', label: 'No', selected: false }], first: 0, last: 1 }
 */
export function parseOptionList(
  lines: readonly string[],
  markers: readonly string[],
  start = 0,
  end = lines.length,
): OptionList | undefined {
  let found: Run | undefined;
  let run: Run | undefined;
  const close = (): void => {
    if (run !== undefined && isMenu(run)) found = run;
    run = undefined;
  };
  for (let index = Math.max(0, start); index < Math.min(end, lines.length); index++) {
    const match = OPTION.exec(unbox(lines[index] ?? ''));
    if (match === null) {
      if (run !== undefined && index - run.last > MAX_GAP) close();
      continue;
    }
    const [, marker, number, label] = match;
    if (marker !== undefined && !markers.includes(marker)) {
      close();
      continue;
    }
    const option: PromptOption = { key: number ?? '', label: label ?? '', selected: marker !== undefined };
    if (run !== undefined && option.key === String(run.options.length + 1) && index - run.last <= MAX_GAP + 1) {
      run.options.push(option);
      run.last = index;
    } else {
      close();
      run = option.key === '1' ? { options: [option], first: index, last: index } : undefined;
    }
  }
  close();
  return found;
}

function isMenu(run: Run): boolean {
  return run.options.length >= 2 && run.options.filter((option) => option.selected).length === 1;
}

/** How far above a list to look for its question. */
const QUESTION_LOOKBACK = 15;

/**
 * The question asked above line `before`, looking no higher than `stop` (nor
 * past a horizontal rule): the sentence ending in `?` of the nearest
 * paragraph that has one (`Do you want to proceed?`), else the nearest
 * non-blank line. Box borders are ignored; wrapped lines are joined.
 */
export function findQuestion(lines: readonly string[], before: number, stop = 0): string {
  const floor = Math.max(stop, before - QUESTION_LOOKBACK, 0);
  let nearest: string | undefined;
  let paragraph: string[] = [];
  for (let index = before - 1; index >= floor - 1; index--) {
    const line = index >= floor ? lines[index] : undefined;
    const text = line === undefined || isRule(line) ? '' : unbox(line).trim();
    if (text !== '') {
      paragraph.unshift(text);
      nearest ??= text;
    } else if (paragraph.length > 0) {
      const question = questionSentence(paragraph.join(' '));
      if (question !== undefined) return question;
      paragraph = [];
    }
    if (line !== undefined && isRule(line)) break;
  }
  return nearest ?? '';
}

/** The sentence of `text` that ends at its last `?` (one that follows some text), or `undefined`. */
function questionSentence(text: string): string | undefined {
  const mark = text.lastIndexOf('?');
  if (mark === -1 || !/\w/u.test(text.slice(0, mark))) return undefined;
  const head = text.slice(0, mark);
  const start = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  return text.slice(start === -1 ? 0 : start + 2, mark + 1).trim();
}

/** A prompt from a list found on screen, its question found above it. */
export function promptFromList(lines: readonly string[], list: OptionList, stop = 0): AgentPrompt {
  return { question: findQuestion(lines, list.first, stop), options: list.options };
}
