/**
 * The demo's live view as a pure function: a view model in, the lines of one
 * frame out (for a terminal that is redrawn), or one status line (for logs).
 *
 * @module
 */
import type { AgentState } from '../../src/index.js';
import { printable, textWidth, truncate } from '../../src/testing/fake-agent/text.js';

/** One agent's row. */
export interface AgentRow {
  /** The agent's name. */
  readonly name: string;
  /** Its confirmed state. */
  readonly state: AgentState;
  /** The last line it printed (or the question it asks), as read from its screen. */
  readonly lastLine: string;
}

/** What an event of the log is about. */
export type ViewEventKind = 'scenario' | 'delivered' | 'fired' | 'waiting' | 'answered' | 'exited' | 'recovery' | 'restarted' | 'passed' | 'failed';

/** One line of the event log. */
export interface ViewEvent {
  /** Milliseconds since the demo started. */
  readonly atMs: number;
  /** What it is about. */
  readonly kind: ViewEventKind;
  /** What happened, in a few words. */
  readonly text: string;
}

/** Monitor cycle durations so far. */
export interface CycleStats {
  /** Cycles finished. */
  readonly count: number;
  /** The latest one's duration, in ms. */
  readonly lastMs: number | undefined;
  /** The median over recent cycles, in ms. */
  readonly medianMs: number | undefined;
}

/** Everything one frame shows. */
export interface ViewModel {
  /** The first line's title. */
  readonly title: string;
  /** Milliseconds since the demo started. */
  readonly elapsedMs: number;
  /** What the demo is doing now. */
  readonly phase: string;
  /** The agents, in fleet order. */
  readonly agents: readonly AgentRow[];
  /** Monitor cycle durations. */
  readonly cycles: CycleStats;
  /** Messages delivered (verified) so far. */
  readonly delivered: number;
  /** Events, oldest first (the frame shows the newest). */
  readonly events: readonly ViewEvent[];
}

/** The terminal a frame is drawn for. */
export interface FrameOptions {
  /** Columns: no line is wider. */
  readonly width: number;
  /** Rows: the frame has at most this many lines. */
  readonly height: number;
  /** Colour with ANSI escapes. */
  readonly color: boolean;
}

/** States in the order their groups are shown: trouble first. */
export const STATE_ORDER: readonly AgentState[] = ['exited', 'errored', 'waiting', 'rate-limited', 'starting', 'unknown', 'working', 'idle'];

/** SGR codes per state. */
const STATE_COLORS: Readonly<Record<AgentState, string>> = {
  exited: '1;31',
  errored: '31',
  waiting: '1;33',
  'rate-limited': '35',
  starting: '34',
  unknown: '90',
  working: '36',
  idle: '32',
};

/** SGR codes per event kind. */
const EVENT_COLORS: Readonly<Record<ViewEventKind, string>> = {
  scenario: '1',
  delivered: '32',
  fired: '36',
  waiting: '33',
  answered: '33',
  exited: '31',
  recovery: '35',
  restarted: '32',
  passed: '1;32',
  failed: '1;31',
};

/** Lines the event log takes at most. */
const MAX_EVENT_LINES = 8;
/** Columns of the name column. */
const NAME_COLUMN = 12;

/**
 * The lines of one frame: a header (elapsed time, phase, agents per state,
 * cycle time, messages delivered), the agents grouped by state with their
 * last line, and the newest events. Never wider than `width` columns nor
 * taller than `height` lines; when the agents do not fit, the lines are
 * shared among the groups, each showing its first agents and how many more
 * it holds.
 *
 * @example
 * process.stdout.write(renderFrame(model, { width: 100, height: 30, color: true }).join('\n'));
 */
export function renderFrame(model: ViewModel, options: FrameOptions): string[] {
  const width = Math.max(1, Math.floor(options.width));
  const height = Math.max(1, Math.floor(options.height));
  const paint = (codes: string, text: string): string => (options.color && text !== '' ? `\u001b[${codes}m${text}\u001b[0m` : text);
  const line = (text: string, codes?: string): string => {
    const cut = truncate(printable(text), width);
    return codes === undefined ? cut : paint(codes, cut);
  };

  const header = [
    line(`${model.title} · ${formatSeconds(model.elapsedMs)} · ${model.phase}`, '1'),
    line(stateSummary(model.agents)),
    line(`${cycleSummary(model.cycles)} · ${model.delivered} message${model.delivered === 1 ? '' : 's'} delivered`),
  ];
  const eventRoom = Math.min(MAX_EVENT_LINES, model.events.length, Math.max(0, Math.floor((height - header.length) / 3)));
  const events = model.events.slice(model.events.length - eventRoom).map((event) => line(formatEvent(event), EVENT_COLORS[event.kind]));
  const eventBlock = events.length === 0 ? [] : [line(ruleWith('events', width), '90'), ...events];
  const tableRoom = height - header.length - eventBlock.length;
  const table = renderTable(model.agents, tableRoom, width, line);
  return [...header, ...table, ...eventBlock].slice(0, height);
}

/**
 * One line for logs, where a frame cannot be redrawn:
 * `[12.3s] crash recovery | 50 agents: 1 exited, … | cycles 24 (last 11 ms, median 9 ms) | delivered 8`.
 */
export function renderStatusLine(model: ViewModel): string {
  return `[${formatSeconds(model.elapsedMs)}] ${model.phase} | ${stateSummary(model.agents)} | ${cycleSummary(model.cycles)} | delivered ${model.delivered}`;
}

/** An event as one log line: `  12.3s  delivered  eng-1 ← "…"`. */
export function formatEvent(event: ViewEvent): string {
  return `${formatSeconds(event.atMs).padStart(7)}  ${event.kind.padEnd(9)}  ${printable(event.text)}`;
}

/** `12.3s`. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** `50 agents: 1 exited, 2 working, 47 idle`, states in {@link STATE_ORDER}. */
export function stateSummary(agents: readonly AgentRow[]): string {
  const counts = countStates(agents);
  const parts = STATE_ORDER.filter((state) => (counts.get(state) ?? 0) > 0).map((state) => `${counts.get(state) ?? 0} ${state}`);
  return `${agents.length} agent${agents.length === 1 ? '' : 's'}${parts.length === 0 ? '' : `: ${parts.join(', ')}`}`;
}

function cycleSummary(cycles: CycleStats): string {
  if (cycles.count === 0 || cycles.lastMs === undefined) return 'cycles 0';
  const median = cycles.medianMs === undefined ? '' : `, median ${formatMs(cycles.medianMs)}`;
  return `cycles ${cycles.count} (last ${formatMs(cycles.lastMs)}${median})`;
}

/** `9.3 ms` under 10 ms, `11 ms` from there. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function countStates(agents: readonly AgentRow[]): Map<AgentState, number> {
  const counts = new Map<AgentState, number>();
  for (const agent of agents) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
  return counts;
}

/**
 * The agent groups in at most `room` lines: each group a header line, then
 * its rows. When they do not all fit, the lines left after the headers are
 * dealt out one at a time to each group in turn, so every group shows some
 * of its agents (the first ones, in fleet order); a group that cannot show
 * them all ends with `… N more`. Headers go first to the groups first in
 * {@link STATE_ORDER} when even they do not all fit.
 */
function renderTable(
  agents: readonly AgentRow[],
  room: number,
  width: number,
  line: (text: string, codes?: string) => string,
): string[] {
  const groups = STATE_ORDER.map((state) => ({ state, rows: agents.filter((agent) => agent.state === state) }))
    .filter((group) => group.rows.length > 0)
    .slice(0, Math.max(0, room));
  const lines = groups.map(() => 0);
  let left = room - groups.length;
  for (let dealt = true; dealt && left > 0; ) {
    dealt = false;
    groups.forEach((group, index) => {
      if (left > 0 && (lines[index] as number) < group.rows.length) {
        lines[index] = (lines[index] as number) + 1;
        left -= 1;
        dealt = true;
      }
    });
  }
  return groups.flatMap((group, index) => {
    const color = STATE_COLORS[group.state];
    const allowed = lines[index] as number;
    const shown = allowed >= group.rows.length ? group.rows : group.rows.slice(0, Math.max(0, allowed - 1));
    const hidden = group.rows.length - shown.length;
    return [
      line(`${group.state.toUpperCase()} (${group.rows.length})`, color),
      ...shown.map((row) => agentLine(row, width, line, color)),
      ...(hidden > 0 && allowed > 0 ? [line(`  … ${hidden} more`, '90')] : []),
    ];
  });
}

function agentLine(row: AgentRow, width: number, line: (text: string, codes?: string) => string, color: string): string {
  const name = truncate(printable(row.name), NAME_COLUMN);
  const label = `  ${name}${' '.repeat(NAME_COLUMN - textWidth(name))}`;
  const rest = width - textWidth(label) - 1;
  if (rest <= 0) return line(label, color);
  return `${line(label, color)} ${line(truncate(printable(row.lastLine), rest))}`;
}

/** `── title ─────` across `width` columns. */
function ruleWith(title: string, width: number): string {
  const head = `── ${title} `;
  return head + '─'.repeat(Math.max(0, width - textWidth(head)));
}
