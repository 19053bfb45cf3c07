/**
 * The fake agent's behaviour: what each key does in each state, how a
 * message is worked on according to the script, and what is on screen.
 *
 * @module
 */
import type { InputEvent } from './input.js';
import type { FakeAgentLogEntry } from './log.js';
import { INTERRUPTED_NOTE, type Block, type Bottom, type InputSegment, type View } from './screen.js';
import { fillReply, STEP_DEFAULTS, stepFor, type FakeAgentStep, type ResolvedScript } from './script.js';

/** What the session needs from its surroundings. */
export interface SessionOptions {
  readonly script: ResolvedScript;
  /** Shown in the welcome banner. */
  readonly title: string;
  /** The working directory, shown in the banner and the trust question. */
  readonly cwd: string;
  /** Records a submitted message; called before anything else happens to it. */
  readonly log: (entry: FakeAgentLogEntry) => void;
  /** The terminal's height, which decides when a paste is shown collapsed. */
  readonly rows: () => number;
  /** Something on screen changed. */
  readonly onChange: () => void;
  /** The agent ends, with this status; `output` is printed under the last frame. */
  readonly onExit: (code: number, output: string) => void;
}

/** A message being worked on. */
interface Turn {
  readonly seq: number;
  readonly text: string;
  /** The input box's content when it was submitted, to put back on interrupt. */
  readonly segments: readonly InputSegment[];
  readonly step: FakeAgentStep | undefined;
  readonly startedAt: number;
}

type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'trust'; readonly selected: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly turn: Turn; readonly resetAt?: number }
  | { readonly kind: 'waiting'; readonly turn: Turn; readonly selected: number }
  | { readonly kind: 'exited' };

/** Spinner verbs and what the turn's summary says afterwards. */
const VERBS: readonly (readonly [string, string])[] = [
  ['Thinking', 'Thought'],
  ['Pondering', 'Pondered'],
  ['Cooking', 'Cooked'],
  ['Brewing', 'Brewed'],
  ['Churning', 'Churned'],
  ['Baking', 'Baked'],
  ['Nucleating', 'Nucleated'],
  ['Working', 'Worked'],
];
const SPINNER = ['·', '✢', '✳', '✶', '✻', '✽', '✻', '✶', '✳', '✢'];
const SPINNER_TICK_MS = 100;
/** A second Ctrl-C within this time exits. */
const EXIT_CONFIRM_MS = 2_000;
/** Claude Code collapses a paste longer than this, or with more than two line breaks. */
const PASTE_COLLAPSE_CHARS = 800;
/** The transcript keeps this many entries; older ones are long off screen. */
const TRANSCRIPT_LIMIT = 500;

/** One fake agent session, from start to exit. */
export class FakeAgentSession {
  readonly #options: SessionOptions;
  readonly #script: ResolvedScript;
  #phase: Phase = { kind: 'starting' };
  readonly #blocks: Block[] = [];
  #input: InputSegment[] = [];
  /** Messages submitted while working, oldest first. */
  #queue: Turn[] = [];
  #seq = 0;
  #pastes = 0;
  #exitPending = false;
  #timer: NodeJS.Timeout | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #exitTimer: NodeJS.Timeout | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#script = options.script;
  }

  /** Starts: a blank screen for `startupMs`, then the trust question or the prompt. */
  start(): void {
    this.#after(this.#script.startupMs, () => {
      if (this.#script.trustPrompt) this.#set({ kind: 'trust', selected: 0 });
      else this.#welcome();
    });
  }

  /** Stops every timer. */
  dispose(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#exitTimer);
    clearInterval(this.#ticker);
  }

  /** What is on screen at time `now`. */
  view(now: number): View {
    return { blocks: this.#blocks, bottom: this.#bottom(now) };
  }

  /** Reacts to one input event. */
  handle(event: InputEvent): void {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'starting':
      case 'exited':
        return;
      case 'trust':
        return this.#choose(event, 2, phase.selected, (selected) => this.#set({ ...phase, selected }), (index) => this.#trusted(index === 0));
      case 'waiting':
        return this.#choose(event, this.#approvalOptions(phase.turn).length, phase.selected, (selected) => this.#set({ ...phase, selected }), (index) =>
          this.#answered(phase.turn, index),
        );
      case 'idle':
      case 'working':
        return this.#edit(event);
    }
  }

  // ——— states ———

  #set(phase: Phase): void {
    this.#phase = phase;
    const animated = phase.kind === 'working';
    if (animated && this.#ticker === undefined) this.#ticker = setInterval(this.#options.onChange, SPINNER_TICK_MS);
    if (!animated && this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
    this.#options.onChange();
  }

  #record(...blocks: Block[]): void {
    this.#blocks.push(...blocks);
    if (this.#blocks.length > TRANSCRIPT_LIMIT) this.#blocks.splice(0, this.#blocks.length - TRANSCRIPT_LIMIT);
  }

  #welcome(): void {
    this.#record({ kind: 'banner', title: this.#options.title, cwd: this.#options.cwd });
    this.#set({ kind: 'idle' });
  }

  #trusted(yes: boolean): void {
    if (yes) this.#welcome();
    else this.#exit(1, '');
  }

  #after(ms: number, action: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(action, ms);
  }

  /** Ends the session; the screen still shows the state it ended in. */
  #exit(code: number, output: string): void {
    this.dispose();
    this.#options.onExit(code, output);
    this.#phase = { kind: 'exited' };
  }

  // ——— the input box ———

  #edit(event: InputEvent): void {
    if (!(event.type === 'key' && event.name === 'ctrl-c')) this.#cancelExit();
    if (event.type === 'text') return this.#type(event.text);
    if (event.type === 'paste') return this.#paste(event.text);
    switch (event.name) {
      case 'enter':
        return this.#submit();
      case 'newline':
        return this.#type('\n');
      case 'backspace':
        return this.#backspace();
      case 'ctrl-u':
        return this.#replaceInput([]);
      case 'escape':
        if (this.#phase.kind === 'working') this.#interrupt(this.#phase.turn);
        return;
      case 'ctrl-c':
        return this.#ctrlC();
      default:
        return; // arrows: no history, no cursor movement
    }
  }

  #type(text: string): void {
    const last = this.#input.at(-1);
    if (last?.kind === 'text') this.#input[this.#input.length - 1] = { kind: 'text', text: last.text + text };
    else this.#input.push({ kind: 'text', text });
    this.#options.onChange();
  }

  #paste(text: string): void {
    if (text === '') return;
    const breaks = text.split('\n').length - 1;
    const allowedBreaks = Math.max(0, Math.min(this.#options.rows() - 10, 2));
    if (text.length > PASTE_COLLAPSE_CHARS || breaks > allowedBreaks) {
      this.#pastes += 1;
      this.#input.push({ kind: 'paste', id: this.#pastes, text });
      this.#options.onChange();
    } else {
      this.#type(text);
    }
  }

  #backspace(): void {
    const last = this.#input.at(-1);
    if (last === undefined) return;
    const chars = last.kind === 'text' ? [...last.text] : [];
    chars.pop();
    if (chars.length === 0) this.#input.pop();
    else this.#input[this.#input.length - 1] = { kind: 'text', text: chars.join('') };
    this.#options.onChange();
  }

  #replaceInput(segments: InputSegment[]): void {
    this.#input = segments;
    this.#options.onChange();
  }

  #ctrlC(): void {
    if (this.#phase.kind === 'working') return this.#interrupt(this.#phase.turn);
    if (this.#input.length > 0) return this.#replaceInput([]);
    if (this.#exitPending) return this.#exit(0, '');
    this.#exitPending = true;
    this.#exitTimer = setTimeout(() => this.#cancelExit(), EXIT_CONFIRM_MS);
    this.#options.onChange();
  }

  #cancelExit(): void {
    if (!this.#exitPending) return;
    this.#exitPending = false;
    clearTimeout(this.#exitTimer);
    this.#options.onChange();
  }

  // ——— turns ———

  #submit(): void {
    const text = this.#input.map((segment) => segment.text).join('');
    if (text.trim() === '') return;
    const seq = (this.#seq += 1);
    const at = Date.now();
    this.#options.log({ seq, at, text });
    const turn: Turn = { seq, text, segments: this.#input, step: stepFor(this.#script, seq, text), startedAt: at };
    this.#input = [];
    if (this.#phase.kind === 'working' || this.#queue.length > 0) {
      this.#queue.push(turn);
      this.#options.onChange();
    } else {
      this.#begin(turn);
    }
  }

  #begin(queued: Turn): void {
    const turn = { ...queued, startedAt: Date.now() };
    this.#record({ kind: 'user', text: turn.text });
    this.#set({ kind: 'working', turn });
    this.#after(turn.step?.workMs ?? this.#script.workMs, () => this.#worked(turn));
  }

  /** The work is done: act as the step says. */
  #worked(turn: Turn): void {
    const step = turn.step;
    switch (step?.do) {
      case undefined:
      case 'reply':
        return this.#finish(turn, [this.#reply(turn)]);
      case 'approval':
        this.#record({ kind: 'tool', tool: step.tool ?? STEP_DEFAULTS.tool, command: step.command ?? STEP_DEFAULTS.command, status: 'Waiting…' });
        return this.#set({ kind: 'waiting', turn, selected: 0 });
      case 'rate-limit': {
        const seconds = step.resetInSeconds ?? STEP_DEFAULTS.resetInSeconds;
        this.#set({ kind: 'working', turn, resetAt: Date.now() + seconds * 1000 });
        return this.#after(seconds * 1000, () => this.#finish(turn, [this.#reply(turn)]));
      }
      case 'error':
        return this.#finish(turn, [{ kind: 'reply', text: step.message ?? STEP_DEFAULTS.errorMessage, error: true }]);
      case 'crash': {
        const error = new Error(step.message ?? STEP_DEFAULTS.crashMessage);
        return this.#exit(step.exitCode ?? STEP_DEFAULTS.exitCode, `${error.stack ?? String(error)}\n`);
      }
    }
  }

  #reply(turn: Turn): Block {
    const step = turn.step;
    const template = step !== undefined && 'reply' in step && step.reply !== undefined ? step.reply : this.#script.reply;
    return { kind: 'reply', text: fillReply(template, turn.seq, turn.text) };
  }

  #approvalOptions(turn: Turn): readonly string[] {
    return turn.step?.do === 'approval' ? (turn.step.options ?? STEP_DEFAULTS.options) : [];
  }

  #answered(turn: Turn, index: number): void {
    const refused = index === this.#approvalOptions(turn).length - 1;
    this.#setToolStatus(refused ? INTERRUPTED_NOTE : 'Done');
    if (refused) return this.#idleOrNext();
    this.#set({ kind: 'working', turn });
    this.#after(turn.step?.workMs ?? this.#script.workMs, () => this.#finish(turn, [this.#reply(turn)]));
  }

  #setToolStatus(status: string): void {
    const index = this.#blocks.findLastIndex((block) => block.kind === 'tool');
    const tool = this.#blocks[index];
    if (tool?.kind === 'tool') this.#blocks[index] = { ...tool, status };
  }

  #finish(turn: Turn, blocks: Block[]): void {
    const seconds = Math.floor((Date.now() - turn.startedAt) / 1000);
    this.#record(...blocks, { kind: 'summary', text: `✻ ${verb(turn.seq)[1]} for ${seconds}s` });
    this.#idleOrNext();
  }

  #idleOrNext(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#set({ kind: 'idle' });
    else this.#begin(next);
  }

  /**
   * Escape or Ctrl-C while working. As in Claude Code: a turn that has shown
   * nothing yet, with an empty box and nothing queued, is taken back (its
   * message leaves the transcript and returns to the box); otherwise it ends
   * with an "Interrupted" note, a draft stays in the box, and the next queued
   * message starts.
   */
  #interrupt(turn: Turn): void {
    clearTimeout(this.#timer);
    const last = this.#blocks.at(-1);
    if (last?.kind === 'user' && last.text === turn.text && this.#input.length === 0 && this.#queue.length === 0) {
      this.#blocks.pop();
      this.#input = [...turn.segments];
      return this.#set({ kind: 'idle' });
    }
    this.#record({ kind: 'note', text: INTERRUPTED_NOTE });
    this.#idleOrNext();
  }

  // ——— menus ———

  /** Keys of a numbered menu: digits pick, arrows move, Enter picks the selected, Escape picks the last. */
  #choose(event: InputEvent, count: number, selected: number, move: (selected: number) => void, pick: (index: number) => void): void {
    if (event.type === 'text') {
      const digit = [...event.text].map(Number).find((n) => Number.isInteger(n) && n >= 1 && n <= count);
      if (digit !== undefined) pick(digit - 1);
      return;
    }
    if (event.type !== 'key') return;
    if (event.name === 'up') move(Math.max(0, selected - 1));
    else if (event.name === 'down') move(Math.min(count - 1, selected + 1));
    else if (event.name === 'enter') pick(selected);
    else if (event.name === 'escape' || event.name === 'ctrl-c') pick(count - 1);
  }

  // ——— the bottom region ———

  #bottom(now: number): Bottom {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'starting':
        return { kind: 'blank' };
      case 'trust':
        return { kind: 'trust', cwd: this.#options.cwd, selected: phase.selected };
      case 'waiting': {
        const step = phase.turn.step;
        const approval = step?.do === 'approval' ? step : undefined;
        return {
          kind: 'approval',
          tool: approval?.tool ?? STEP_DEFAULTS.tool,
          command: approval?.command ?? STEP_DEFAULTS.command,
          question: approval?.question ?? STEP_DEFAULTS.question,
          options: this.#approvalOptions(phase.turn),
          selected: phase.selected,
        };
      }
      case 'idle':
      case 'exited':
        return { kind: 'prompt', input: this.#input, queued: [], footer: this.#footer() };
      case 'working':
        return {
          kind: 'prompt',
          input: this.#input,
          activity: phase.resetAt === undefined ? spinnerLine(phase.turn, now) : rateLimitLine(phase.resetAt, now),
          queued: this.#queue.map((turn) => turn.text),
          footer: '  esc to interrupt',
        };
    }
  }

  #footer(): string {
    if (this.#exitPending) return '  Press Ctrl-C again to exit';
    return this.#input.length === 0 ? '  ? for shortcuts' : '';
  }
}

function verb(seq: number): readonly [string, string] {
  return VERBS[(seq - 1) % VERBS.length] as readonly [string, string];
}

/** `✻ Thinking… (3s · ↓ 120 tokens)`. */
function spinnerLine(turn: Turn, now: number): string {
  const elapsed = Math.max(0, now - turn.startedAt);
  const glyph = SPINNER[Math.floor(elapsed / SPINNER_TICK_MS) % SPINNER.length] as string;
  return `${glyph} ${verb(turn.seq)[0]}… (${Math.floor(elapsed / 1000)}s · ↓ ${Math.floor(elapsed / 25)} tokens)`;
}

/** `✻ Session limit reached · Retrying in 42s (7:18am) · attempt 1/1`, the time in the local time zone. */
function rateLimitLine(resetAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((resetAt - now) / 1000));
  return `✻ Session limit reached · Retrying in ${seconds}s (${clockTime(resetAt)}) · attempt 1/1`;
}

/** `7:18am`: the minute `time` falls in, rounded up, local time. */
export function clockTime(time: number): string {
  const date = new Date(Math.ceil(time / 60_000) * 60_000);
  const hours = date.getHours();
  const minutes = String(date.getMinutes()).padStart(2, '0');
  return `${hours % 12 === 0 ? 12 : hours % 12}:${minutes}${hours < 12 ? 'am' : 'pm'}`;
}
