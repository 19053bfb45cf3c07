import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateTracker } from '../../src/agents/state-tracker.js';
import { AGENT_STATES, type AgentState, type Detection, type ProcessFacts } from '../../src/agents/state.js';
import { InvalidArgumentError, InvalidOptionError } from '../../src/errors.js';

const seen = (state: AgentState, extra: Partial<Detection> = {}): Detection => ({ state, evidence: [`test: ${state}`], ...extra });
const alive: ProcessFacts = { paneDead: false, currentCommand: 'claude' };
const shellBack: ProcessFacts = { paneDead: false, currentCommand: 'bash' };
const dead: ProcessFacts = { paneDead: true, deadStatus: 1, currentCommand: 'claude' };

/** States not reported on first sighting with the default options (and no dead pane). */
const HESITANT_STATES = AGENT_STATES.filter((state) => state !== 'waiting');

describe('StateTracker', () => {
  it('starts in `starting` with nothing confirmed', () => {
    const tracker = new StateTracker();
    expect(tracker.current).toBe('starting');
    expect(tracker.since).toBeUndefined();
    expect(tracker.detection).toBeUndefined();
  });

  it('reports a new state on its second sighting in a row, dated from the first', () => {
    const tracker = new StateTracker();
    expect(tracker.observe(seen('idle'), 100, alive)).toBeUndefined();
    expect(tracker.current).toBe('starting');
    const change = tracker.observe(seen('idle', { input: '' }), 200, alive);
    expect(change).toEqual({ from: 'starting', to: 'idle', detection: seen('idle', { input: '' }), at: 100 });
    expect(tracker.current).toBe('idle');
    expect(tracker.since).toBe(100);
    expect(tracker.observe(seen('idle'), 300, alive)).toBeUndefined();
  });

  it('drops a change under way when the current state is seen again', () => {
    const tracker = new StateTracker({ initial: 'idle' });
    expect(tracker.observe(seen('working'), 1)).toBeUndefined();
    expect(tracker.observe(seen('idle'), 2)).toBeUndefined();
    expect(tracker.observe(seen('working'), 3)).toBeUndefined();
    expect(tracker.current).toBe('idle');
    expect(tracker.observe(seen('working'), 4)).toMatchObject({ from: 'idle', to: 'working', at: 3 });
  });

  it('keeps the latest detection of the current state (its input, its prompt)', () => {
    const tracker = new StateTracker({ initial: 'idle' });
    tracker.observe(seen('idle', { input: 'draft' }), 1);
    expect(tracker.detection?.input).toBe('draft');
  });

  it('reports `waiting` at once: a question on screen is unambiguous', () => {
    const tracker = new StateTracker({ initial: 'working' });
    const prompt = { question: 'Do you want to proceed?', options: [{ key: '1', label: 'Yes', selected: true }] };
    expect(tracker.observe(seen('waiting', { prompt }), 10, alive)).toMatchObject({ from: 'working', to: 'waiting', at: 10 });
  });

  it('reports `exited` at once from a dead pane, but confirms a shell back in front first', () => {
    const fromDeadPane = new StateTracker({ initial: 'idle' });
    expect(fromDeadPane.observe(seen('exited'), 10, dead)).toMatchObject({ to: 'exited', at: 10 });

    const fromShell = new StateTracker({ initial: 'working' });
    expect(fromShell.observe(seen('exited'), 10, shellBack)).toBeUndefined();
    expect(fromShell.observe(seen('working'), 20, alive)).toBeUndefined();
    expect(fromShell.observe(seen('exited'), 30, shellBack)).toBeUndefined();
    expect(fromShell.observe(seen('exited'), 40, shellBack)).toMatchObject({ from: 'working', to: 'exited', at: 30 });

    const withoutFacts = new StateTracker({ initial: 'idle' });
    expect(withoutFacts.observe(seen('exited'), 10)).toBeUndefined();
  });

  it('confirms a state seen for `minDwellMs` before `confirmations` sightings', () => {
    const tracker = new StateTracker({ initial: 'idle', confirmations: 5, minDwellMs: 1_000 });
    expect(tracker.observe(seen('working'), 0)).toBeUndefined();
    expect(tracker.observe(seen('working'), 999)).toBeUndefined();
    expect(tracker.observe(seen('working'), 1_000)).toMatchObject({ to: 'working', at: 0 });
  });

  it('takes `immediate` and `confirmations` options', () => {
    const eager = new StateTracker({ confirmations: 1 });
    expect(eager.observe(seen('idle'), 0)).toMatchObject({ to: 'idle' });
    const noImmediate = new StateTracker({ immediate: [], initial: 'idle' });
    expect(noImmediate.observe(seen('waiting'), 0)).toBeUndefined();
    const errorsAtOnce = new StateTracker({ immediate: ['errored'], initial: 'idle' });
    expect(errorsAtOnce.observe(seen('errored'), 0)).toMatchObject({ to: 'errored' });
  });

  it('rejects times that are not numbers or go back', () => {
    const tracker = new StateTracker();
    tracker.observe(seen('idle'), 100);
    expect(() => tracker.observe(seen('idle'), 99)).toThrow(InvalidArgumentError);
    expect(() => tracker.observe(seen('idle'), Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => tracker.observe(seen('idle'), Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(tracker.observe(seen('idle'), 100)).toMatchObject({ to: 'idle' });
  });

  it('validates its options', () => {
    expect(() => new StateTracker({ confirmations: 0 })).toThrow('Expected `confirmations` to be an integer >= 1, got `0` (number)');
    expect(() => new StateTracker({ confirmations: 1.5 })).toThrow(InvalidOptionError);
    expect(() => new StateTracker({ minDwellMs: -1 })).toThrow('Expected `minDwellMs` to be a positive number, got `-1` (number)');
    expect(() => new StateTracker({ immediate: ['soon' as AgentState] })).toThrow(InvalidOptionError);
    expect(() => new StateTracker({ initial: 'bored' as AgentState })).toThrow(InvalidOptionError);
  });

  describe('properties', () => {
    const hesitant = fc.constantFrom(...HESITANT_STATES);
    const times = (count: number) => fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: count, maxLength: count }).map((gaps) => {
      let at = 0;
      return gaps.map((gap) => (at += gap));
    });

    it('never reports a state that alternates every observation (no flicker)', () => {
      fc.assert(
        fc.property(
          hesitant,
          hesitant,
          hesitant,
          fc.integer({ min: 2, max: 5 }),
          fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined }),
          fc.integer({ min: 2, max: 60 }).chain((count) => times(count)),
          (initial, a, b, confirmations, minDwellMs, at) => {
            fc.pre(a !== b);
            const tracker = new StateTracker({ initial, confirmations, ...(minDwellMs === undefined ? {} : { minDwellMs }) });
            at.forEach((time, index) => {
              const state = index % 2 === 0 ? a : b;
              const change = tracker.observe(seen(state), time, state === 'exited' ? shellBack : alive);
              expect(change).toBeUndefined();
            });
            expect(tracker.current).toBe(initial);
          },
        ),
      );
    });

    it('reports a stable state exactly on its `confirmations`-th sighting', () => {
      fc.assert(
        fc.property(hesitant, hesitant, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }).chain((extra) => times(6 + extra)), (initial, next, confirmations, at) => {
          fc.pre(initial !== next);
          const tracker = new StateTracker({ initial, confirmations });
          const changes = at.map((time) => tracker.observe(seen(next), time, next === 'exited' ? shellBack : alive));
          expect(changes.findIndex((change) => change !== undefined)).toBe(confirmations - 1);
          expect(changes.filter((change) => change !== undefined)).toEqual([{ from: initial, to: next, detection: seen(next), at: at[0] }]);
          expect(tracker.current).toBe(next);
          expect(tracker.since).toBe(at[0]);
        }),
      );
    });
  });
});
