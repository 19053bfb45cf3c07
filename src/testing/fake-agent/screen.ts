/**
 * What the fake agent shows, as lines of text: the transcript of the
 * session above a bottom region that looks like Claude Code's (the input box
 * between two rules with its hints under it, the spinner line, an approval
 * question, the first-run trust question).
 *
 * @module
 */
import { printable, textWidth, truncate, wrapLine } from './text.js';

/** How a line is drawn. */
export type LineStyle = 'plain' | 'rule' | 'dim' | 'spinner' | 'error' | 'selected' | 'bold';

/** One screen line. */
export interface Line {
  readonly text: string;
  readonly style?: LineStyle;
  /** Draw the input caret (a reverse-video cell) after the text. */
  readonly caret?: boolean;
}

/** One entry of the transcript. */
export type Block =
  | { readonly kind: 'banner'; readonly title: string; readonly cwd: string }
  | { readonly kind: 'user'; readonly text: string }
  | { readonly kind: 'reply'; readonly text: string; readonly error?: boolean }
  | { readonly kind: 'tool'; readonly tool: string; readonly command: string; readonly status: string }
  /** `⎿ text` right under the entry before it. */
  | { readonly kind: 'note'; readonly text: string }
  /** `✻ Worked for 2s`. */
  | { readonly kind: 'summary'; readonly text: string };

/** One part of the input box's content. */
export type InputSegment =
  | { readonly kind: 'text'; readonly text: string }
  /** A long paste, shown as `[Pasted text #1 +11 lines]`. */
  | { readonly kind: 'paste'; readonly id: number; readonly text: string };

/** The region under the transcript. */
export type Bottom =
  | {
      readonly kind: 'prompt';
      readonly input: readonly InputSegment[];
      /** The spinner or rate-limit line above the box, while working. */
      readonly activity?: string;
      /** Messages submitted while working, waiting for their turn (listed under the spinner line). */
      readonly queued: readonly string[];
      /** The hint line under the box. */
      readonly footer: string;
    }
  | {
      readonly kind: 'approval';
      readonly tool: string;
      readonly command: string;
      readonly question: string;
      readonly options: readonly string[];
      readonly selected: number;
    }
  | { readonly kind: 'trust'; readonly cwd: string; readonly selected: number }
  | { readonly kind: 'blank' };

/** Everything on screen. */
export interface View {
  readonly blocks: readonly Block[];
  readonly bottom: Bottom;
}

/** Claude Code's empty input box: `❯` and a no-break space. */
export const PROMPT_MARK = '❯\u00a0';
const NOTE_MARK = '  ⎿ \u00a0';
/** Text of the note after an interrupted or refused turn. */
export const INTERRUPTED_NOTE = 'Interrupted · What should Claude do instead?';
/** How many lines of a long message the transcript shows. */
const MESSAGE_PREVIEW_LINES = 12;

/** The screen's lines for `view`: the last `height` of transcript + bottom, or all of them top-aligned. */
export function renderView(view: View, width: number, height: number): Line[] {
  if (view.bottom.kind === 'blank') return [];
  if (view.bottom.kind === 'trust') return renderTrust(view.bottom, width).slice(0, height);
  const bottom = view.bottom.kind === 'prompt' ? renderPrompt(view.bottom, width, height) : renderApproval(view.bottom, width);
  const room = Math.max(0, height - bottom.length);
  const transcript: Line[] = [];
  // Render from the newest block back, only as far as the screen needs.
  for (let index = view.blocks.length - 1; index >= 0 && transcript.length < room; index -= 1) {
    const block = view.blocks[index] as Block;
    const lines = renderBlock(block, width);
    const gap: Line[] = view.blocks[index + 1]?.kind === 'note' ? [] : [{ text: '' }];
    transcript.unshift(...lines, ...gap);
  }
  return [...(room === 0 ? [] : transcript.slice(-room)), ...bottom].slice(-height);
}

/** A block's lines at `width`, memoised (blocks never change). */
function renderBlock(block: Block, width: number): Line[] {
  let byWidth = blockCache.get(block);
  if (byWidth === undefined) blockCache.set(block, (byWidth = new Map()));
  let lines = byWidth.get(width);
  if (lines === undefined) byWidth.set(width, (lines = computeBlock(block, width)));
  return lines;
}
const blockCache = new WeakMap<Block, Map<number, Line[]>>();

function computeBlock(block: Block, width: number): Line[] {
  switch (block.kind) {
    case 'banner':
      return renderBanner(block.title, block.cwd, width);
    case 'user':
      return prefixed('❯ ', '  ', previewLines(block.text), width).map((text) => ({ text, style: 'dim' }));
    case 'reply':
      return prefixed('● ', '  ', block.text.split('\n'), width).map((text) => ({ text, style: block.error === true ? 'error' : 'plain' }));
    case 'tool':
      return [
        { text: truncate(`● ${printable(block.tool)}(${printable(block.command)})`, width), style: 'bold' },
        { text: truncate(NOTE_MARK + block.status, width), style: 'dim' },
      ];
    case 'note':
      return [{ text: truncate(NOTE_MARK + block.text, width), style: 'dim' }];
    case 'summary':
      return [{ text: truncate(block.text, width), style: 'dim' }];
  }
}

/** The first lines of a long message and how many more there are. */
function previewLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length <= MESSAGE_PREVIEW_LINES) return lines;
  return [...lines.slice(0, MESSAGE_PREVIEW_LINES), `… +${lines.length - MESSAGE_PREVIEW_LINES} lines`];
}

/** Wraps each line to `width` after `first` (first line) or `rest` (the others). */
function prefixed(first: string, rest: string, lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  const room = Math.max(1, width - textWidth(rest));
  for (const line of lines) {
    for (const piece of wrapLine(printable(line), room)) out.push((out.length === 0 ? first : rest) + piece);
  }
  return out;
}

function renderBanner(title: string, cwd: string, width: number): Line[] {
  const inner = Math.max(2, width - 2);
  const head = truncate(`─── ${title} `, inner);
  const row = (text: string): Line => {
    const cut = truncate(text, inner);
    return { text: `│${cut}${' '.repeat(inner - textWidth(cut))}│` };
  };
  return [
    { text: `╭${head}${'─'.repeat(inner - textWidth(head))}╮` },
    row(''),
    row('   Welcome back!'),
    row(''),
    row(`   ${printable(cwd)}`),
    { text: `╰${'─'.repeat(inner)}╯` },
  ];
}

function rule(width: number): Line {
  return { text: '─'.repeat(Math.max(1, width)), style: 'rule' };
}

/** The input box's lines: `❯ ` before the first, two spaces before the others; the caret after the last. */
export function inputLines(input: readonly InputSegment[], width: number): string[] {
  const shown = input.map((segment) => (segment.kind === 'text' ? segment.text : pastePlaceholder(segment))).join('');
  return prefixed(PROMPT_MARK, '  ', shown.split('\n'), width);
}

/** `[Pasted text #1 +11 lines]`, as Claude Code shows a long paste. */
export function pastePlaceholder(segment: { readonly id: number; readonly text: string }): string {
  const newlines = segment.text.split('\n').length - 1;
  return newlines === 0 ? `[Pasted text #${segment.id}]` : `[Pasted text #${segment.id} +${newlines} lines]`;
}

function renderPrompt(bottom: Extract<Bottom, { kind: 'prompt' }>, width: number, height: number): Line[] {
  const lines: Line[] = [];
  if (bottom.activity !== undefined) {
    lines.push({ text: truncate(bottom.activity, width), style: 'spinner' });
    for (const queued of bottom.queued) lines.push({ text: truncate(`  ❯ ${printable(queued.split('\n')[0] ?? '')}`, width), style: 'dim' });
    lines.push({ text: '' });
  }
  lines.push(rule(width));
  if (bottom.input.length === 0 && bottom.queued.length > 0) {
    // Claude Code's placeholder while messages wait: not typed text.
    lines.push({ text: truncate(`${PROMPT_MARK}Press up to edit queued messages`, width), style: 'dim' });
  } else {
    // A box taller than the screen shows its end, where the caret is.
    const input = inputLines(bottom.input, width).slice(-Math.max(1, height - lines.length - 2));
    input.forEach((text, index) => lines.push({ text, caret: index === input.length - 1 }));
  }
  lines.push(rule(width));
  lines.push({ text: truncate(bottom.footer, width), style: 'dim' });
  return lines;
}

function renderApproval(bottom: Extract<Bottom, { kind: 'approval' }>, width: number): Line[] {
  const text = (value: string, style?: LineStyle): Line => ({ text: truncate(value, width), ...(style ? { style } : {}) });
  return [
    rule(width),
    text(` ${printable(bottom.tool)} command`, 'bold'),
    text(''),
    text(`   ${printable(bottom.command)}`),
    text(''),
    text(` ${printable(bottom.question)}`),
    ...bottom.options.map((option, index) =>
      index === bottom.selected ? text(` ❯ ${index + 1}. ${printable(option)}`, 'selected') : text(`   ${index + 1}. ${printable(option)}`),
    ),
    text(''),
    text(' Esc to cancel · Tab to amend', 'dim'),
  ];
}

function renderTrust(bottom: Extract<Bottom, { kind: 'trust' }>, width: number): Line[] {
  const paragraph = (value: string): Line[] => wrapLine(value, Math.max(1, width - 1)).map((piece) => ({ text: ` ${piece}` }));
  const options = ['Yes, I trust this folder', 'No, exit'];
  return [
    { text: '' },
    rule(width),
    { text: truncate(' Accessing workspace:', width), style: 'bold' },
    { text: '' },
    ...paragraph(printable(bottom.cwd)),
    { text: '' },
    ...paragraph(
      'Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open source project, or work from your team). If not, take a moment to review what\'s in this folder first.',
    ),
    { text: '' },
    ...paragraph('The agent will be able to read, edit, and execute files here.'),
    { text: '' },
    ...options.map((option, index): Line =>
      index === bottom.selected ? { text: truncate(` ❯ ${index + 1}. ${option}`, width), style: 'selected' } : { text: truncate(`   ${index + 1}. ${option}`, width) },
    ),
    { text: '' },
    { text: truncate(' Enter to confirm · Esc to cancel', width), style: 'dim' },
  ];
}
