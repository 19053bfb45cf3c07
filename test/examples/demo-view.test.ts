import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_STATES, type AgentState } from '../../src/index.js';
import { renderView as renderFakeAgentScreen } from '../../src/testing/fake-agent/screen.js';
import { textWidth } from '../../src/testing/fake-agent/text.js';
import { DEFAULT_AGENTS, MAX_AGENTS, MIN_AGENTS, parseDemoArgs, UsageError } from '../../examples/demo/args.js';
import { lastOutputLine } from '../../examples/demo/screen.js';
import { DemoState } from '../../examples/demo/state.js';
import {
  formatEvent,
  renderFrame,
  renderStatusLine,
  STATE_ORDER,
  type AgentRow,
  type ViewEvent,
  type ViewEventKind,
  type ViewModel,
} from '../../examples/demo/view.js';

const EVENT_KINDS: readonly ViewEventKind[] = ['scenario', 'delivered', 'fired', 'waiting', 'answered', 'exited', 'recovery', 'restarted', 'passed', 'failed'];

function model(overrides: Partial<ViewModel> = {}): ViewModel {
  return {
    title: 'tmux-orchestrator demo',
    elapsedMs: 12_345,
    phase: 'crash recovery',
    agents: [
      { name: 'eng-1', state: 'working', lastLine: '✻ Working… (3s · ↓ 21 tokens)' },
      { name: 'builder', state: 'exited', lastLine: 'Error: ECONNRESET' },
      { name: 'bg-01', state: 'idle', lastLine: 'bg-01 line 2' },
      { name: 'reviewer', state: 'waiting', lastLine: '? Do you want to proceed?' },
      { name: 'bg-02', state: 'idle', lastLine: 'bg-02 line 2' },
    ],
    cycles: { count: 24, lastMs: 11.4, medianMs: 9.25 },
    delivered: 8,
    events: [
      { atMs: 10_200, kind: 'delivered', text: 'eng-1 ← "Run the tests" in 52 ms' },
      { atMs: 11_000, kind: 'exited', text: 'builder exited (process: pane dead)' },
    ],
    ...overrides,
  };
}

const visible = (line: string): string => stripVTControlCharacters(line);

const rowArbitrary: fc.Arbitrary<AgentRow> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
  state: fc.constantFrom(...AGENT_STATES),
  lastLine: fc.oneof(fc.string({ maxLength: 120, unit: 'grapheme' }), fc.string({ maxLength: 40, unit: 'binary' })),
});
const eventArbitrary: fc.Arbitrary<ViewEvent> = fc.record({
  atMs: fc.nat({ max: 120_000 }),
  kind: fc.constantFrom(...EVENT_KINDS),
  text: fc.string({ maxLength: 150, unit: 'grapheme' }),
});
const modelArbitrary: fc.Arbitrary<ViewModel> = fc.record({
  title: fc.string({ maxLength: 40 }),
  elapsedMs: fc.nat({ max: 600_000 }),
  phase: fc.string({ maxLength: 60, unit: 'grapheme' }),
  agents: fc.array(rowArbitrary, { maxLength: 80 }),
  cycles: fc.record({
    count: fc.nat({ max: 10_000 }),
    lastMs: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: undefined }),
    medianMs: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: undefined }),
  }),
  delivered: fc.nat({ max: 10_000 }),
  events: fc.array(eventArbitrary, { maxLength: 30 }),
});

/** Per state group of a frame drawn without colour: the count in its header, the rows shown and the `… N more`. */
function groupsOf(lines: readonly string[]): Map<AgentState, { count: number; shown: number; more: number }> {
  const groups = new Map<AgentState, { count: number; shown: number; more: number }>();
  let current: { count: number; shown: number; more: number } | undefined;
  for (const line of lines.slice(3)) {
    const header = /^([a-z-]+) \((\d+)\)$/iu.exec(line);
    const state = header?.[1]?.toLowerCase() as AgentState | undefined;
    if (header !== null && state !== undefined && AGENT_STATES.includes(state)) {
      current = { count: Number(header[2]), shown: 0, more: 0 };
      groups.set(state, current);
    } else if (line.startsWith('── events')) {
      current = undefined;
    } else if (current !== undefined) {
      const more = /^ {2}… (\d+) more$/u.exec(line);
      if (more !== null) current.more = Number(more[1]);
      else current.shown += 1;
    }
  }
  return groups;
}

describe('renderFrame', () => {
  it('shows the header, the agents grouped by state (trouble first) and the newest events', () => {
    const lines = renderFrame(model(), { width: 120, height: 30, color: false });
    expect(lines[0]).toBe('tmux-orchestrator demo · 12.3s · crash recovery');
    expect(lines[1]).toBe('5 agents: 1 exited, 1 waiting, 1 working, 2 idle');
    expect(lines[2]).toBe('cycles 24 (last 11 ms, median 9.3 ms) · 8 messages delivered');
    expect(lines.slice(3, 12)).toEqual([
      'EXITED (1)',
      `  builder      Error: ECONNRESET`,
      'WAITING (1)',
      '  reviewer     ? Do you want to proceed?',
      'WORKING (1)',
      '  eng-1        ✻ Working… (3s · ↓ 21 tokens)',
      'IDLE (2)',
      '  bg-01        bg-01 line 2',
      '  bg-02        bg-02 line 2',
    ]);
    expect(lines[12]).toMatch(/^── events ─+$/u);
    expect(lines.slice(13)).toEqual(['  10.2s  delivered  eng-1 ← "Run the tests" in 52 ms', '  11.0s  exited     builder exited (process: pane dead)']);
  });

  it('colours states and events only when asked', () => {
    const plain = renderFrame(model(), { width: 100, height: 30, color: false });
    const colored = renderFrame(model(), { width: 100, height: 30, color: true });
    expect(plain.join('\n')).not.toContain('\u001b');
    expect(colored.find((line) => visible(line) === 'EXITED (1)')).toContain('\u001b[1;31m');
    expect(colored.map(visible)).toEqual(plain);
  });

  it('cuts long lines to the width with an ellipsis', () => {
    const long = model({ agents: [{ name: 'an-agent-with-a-long-name', state: 'idle', lastLine: 'x'.repeat(200) }] });
    const lines = renderFrame(long, { width: 40, height: 20, color: false });
    const row = lines.find((line) => line.startsWith('  an-agent'));
    expect(row).toBe(`  an-agent-wi… ${'x'.repeat(24)}…`);
    expect(textWidth(row ?? '')).toBe(40);
  });

  it('shares the lines among the groups, showing how many more each holds', () => {
    const agents: AgentRow[] = [
      ...Array.from({ length: 30 }, (_, i): AgentRow => ({ name: `idle-${i}`, state: 'idle', lastLine: '' })),
      ...Array.from({ length: 10 }, (_, i): AgentRow => ({ name: `busy-${i}`, state: 'working', lastLine: '' })),
      { name: 'dead', state: 'exited', lastLine: '' },
    ];
    const lines = renderFrame(model({ agents, events: [] }), { width: 80, height: 12, color: false });
    expect(lines.slice(3)).toEqual([
      'EXITED (1)',
      '  dead         ',
      'WORKING (10)',
      '  busy-0       ',
      '  busy-1       ',
      '  … 8 more',
      'IDLE (30)',
      '  idle-0       ',
      '  … 29 more',
    ]);
    expect(renderFrame(model({ agents, events: [] }), { width: 80, height: 5, color: false }).slice(3)).toEqual(['EXITED (1)', 'WORKING (10)']);
  });

  it('never draws a line wider than the width nor more lines than the height', () => {
    fc.assert(
      fc.property(modelArbitrary, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 80 }), fc.boolean(), (view, width, height, color) => {
        const lines = renderFrame(view, { width, height, color });
        expect(lines.length).toBeLessThanOrEqual(height);
        for (const line of lines) {
          expect(textWidth(visible(line))).toBeLessThanOrEqual(width);
          expect(visible(line)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/u);
        }
      }),
    );
  });

  it('accounts for every agent of each group it shows, and shows every agent when there is room', () => {
    fc.assert(
      fc.property(modelArbitrary, fc.integer({ min: 3, max: 60 }), (generated, height) => {
        const view = { ...generated, agents: generated.agents.map((agent, i) => ({ ...agent, name: `agent-${i}` })) };
        const lines = renderFrame(view, { width: 120, height, color: false });
        const groups = groupsOf(lines);
        for (const [state, group] of groups) {
          expect(group.count).toBe(view.agents.filter((agent) => agent.state === state).length);
          if (group.more > 0) expect(group.shown + group.more).toBe(group.count);
          else expect(group.shown).toBeLessThanOrEqual(group.count);
        }
        const order = [...groups.keys()].map((state) => STATE_ORDER.indexOf(state));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        const states = new Set(view.agents.map((agent) => agent.state)).size;
        const events = Math.min(8, view.events.length, Math.floor((height - 3) / 3));
        // Room left over means nothing was left out.
        if (lines.length < height || height >= 3 + view.agents.length + states + (events === 0 ? 0 : events + 1)) {
          for (const agent of view.agents) expect(lines.some((line) => line.startsWith(`  ${agent.name} `))).toBe(true);
        }
      }),
    );
  });
});

describe('renderStatusLine and formatEvent', () => {
  it('put the state of the demo on one line', () => {
    expect(renderStatusLine(model())).toBe(
      '[12.3s] crash recovery | 5 agents: 1 exited, 1 waiting, 1 working, 2 idle | cycles 24 (last 11 ms, median 9.3 ms) | delivered 8',
    );
    expect(renderStatusLine(model({ agents: [], cycles: { count: 0, lastMs: undefined, medianMs: undefined } }))).toBe(
      '[12.3s] crash recovery | 0 agents | cycles 0 | delivered 8',
    );
    expect(formatEvent({ atMs: 3_050, kind: 'fired', text: 'job\tx' })).toBe('   3.0s  fired      job    x');
  });
});

describe('lastOutputLine', () => {
  const rule = '─'.repeat(60);

  it('reads the last line above the input box of a fake agent', () => {
    const screen = renderFakeAgentScreen(
      {
        blocks: [
          { kind: 'banner', title: 'Claude Code', cwd: '/tmp/demo' },
          { kind: 'user', text: 'Run the tests' },
          { kind: 'reply', text: 'All 214 tests pass.' },
          { kind: 'summary', text: '✻ Worked for 2s' },
        ],
        bottom: { kind: 'prompt', input: [], queued: [], footer: '  ? for shortcuts' },
      },
      80,
      24,
    ).map((line) => line.text);
    expect(lastOutputLine(screen)).toBe('● All 214 tests pass.');
  });

  it('skips spinner lines and the welcome banner', () => {
    const working = ['  ⎿  bg-01 output 7', '', '✻ Working… (3s · ↓ 49 tokens)', '', rule, '❯\u00a0', rule, '  esc to interrupt'];
    expect(lastOutputLine(working)).toBe('⎿  bg-01 output 7');
    const fresh = renderFakeAgentScreen(
      { blocks: [{ kind: 'banner', title: 'Claude Code', cwd: '/tmp/demo' }], bottom: { kind: 'prompt', input: [], queued: [], footer: '' } },
      80,
      24,
    ).map((line) => line.text);
    expect(lastOutputLine(fresh)).toBe('');
  });

  it('reads the line above an approval box, and the last line of a screen without a box', () => {
    expect(lastOutputLine(['● Bash(npm run deploy)', '', rule, ' Bash command', '', ' Do you want to proceed?', ' ❯ 1. Yes', '   2. No'])).toBe(
      '● Bash(npm run deploy)',
    );
    expect(lastOutputLine(['Error: ECONNRESET', '    at main (program.ts:3)', '', 'Pane is dead (status 1)', ''])).toBe('Pane is dead (status 1)');
    expect(lastOutputLine([])).toBe('');
    expect(lastOutputLine(['', rule, '❯\u00a0', rule, '  ? for shortcuts'])).toBe('');
  });

  it('returns one of the screen lines, trimmed, or nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constant(rule), fc.constant('')), { maxLength: 40 }), (screen) => {
        const line = lastOutputLine(screen);
        expect(line === '' || screen.some((candidate) => candidate.replaceAll('\u00a0', ' ').trim() === line)).toBe(true);
      }),
    );
  });
});

describe('DemoState', () => {
  it('keeps the newest events, the median cycle time, and tells listeners about events', () => {
    const state = new DemoState('demo', performance.now());
    const heard: (ViewEvent | undefined)[] = [];
    const unsubscribe = state.subscribe((event) => heard.push(event));
    for (let i = 1; i <= 60; i++) state.log('delivered', `message ${i}`);
    for (const ms of [5, 1, 3]) state.recordCycle(ms);
    state.setAgent('eng-1', {});
    state.setAgent('eng-1', { state: 'idle' });
    unsubscribe();
    state.recordDelivery();
    const view = state.model();
    expect(view.events).toHaveLength(50);
    expect(view.events[0]?.text).toBe('message 11');
    expect(view.cycles).toEqual({ count: 3, lastMs: 3, medianMs: 3 });
    expect(view.agents).toEqual([{ name: 'eng-1', state: 'idle', lastLine: '' }]);
    expect(view.delivered).toBe(1);
    expect(heard.filter((event) => event !== undefined)).toHaveLength(60);
    expect(heard).toHaveLength(65);
  });
});

describe('parseDemoArgs', () => {
  it('reads --agents, --attach and --help', () => {
    expect(parseDemoArgs([])).toEqual({ agents: DEFAULT_AGENTS, attach: false, help: false });
    expect(parseDemoArgs(['--agents', '10', '--attach'])).toEqual({ agents: 10, attach: true, help: false });
    expect(parseDemoArgs(['--agents=' + MIN_AGENTS, '-h'])).toEqual({ agents: MIN_AGENTS, attach: false, help: true });
  });

  it.each([['0'], [String(MIN_AGENTS - 1)], [String(MAX_AGENTS + 1)], ['1.5'], ['ten'], ['-3'], ['']])('refuses --agents %j', (value) => {
    expect(() => parseDemoArgs([`--agents=${value}`])).toThrow(UsageError);
    expect(() => parseDemoArgs([`--agents=${value}`])).toThrow(/Expected `--agents` to be an integer from \d+ to \d+/u);
  });

  it('refuses unknown options and arguments', () => {
    expect(() => parseDemoArgs(['--agnets', '5'])).toThrow(UsageError);
    expect(() => parseDemoArgs(['extra'])).toThrow(UsageError);
  });
});
