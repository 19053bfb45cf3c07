import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirtyTracker } from '../../src/health/dirty.js';

describe('DirtyTracker', () => {
  it('marks a pane dirty on output and queues one pause for it', () => {
    const dirty = new DirtyTracker();
    expect(dirty.isDirty('%1')).toBe(false);
    dirty.output('%1', 10);
    dirty.output('%1', 20);
    dirty.output('%2', 15);
    expect(dirty.isDirty('%1')).toBe(true);
    expect(dirty.lastOutputAt('%1')).toBe(20);
    expect(dirty.takePauses()).toEqual(['%1', '%2']);
    expect(dirty.takePauses()).toEqual([]);
    dirty.output('%1', 30); // still paused: tmux sends no more, but a late notification counts
    expect(dirty.takePauses()).toEqual([]);
  });

  it('resumes only the paused panes it is about to capture, and cancels queued pauses', () => {
    const dirty = new DirtyTracker();
    dirty.output('%1', 1);
    dirty.takePauses();
    dirty.output('%2', 2); // pause queued, not sent
    expect(dirty.beginCapture(['%1', '%2', '%9'])).toEqual(['%1']);
    expect(dirty.isDirty('%1')).toBe(false);
    expect(dirty.isDirty('%2')).toBe(false);
    expect(dirty.takePauses()).toEqual([]); // %2's pause was cancelled
    dirty.output('%2', 3);
    expect(dirty.takePauses()).toEqual(['%2']);
  });

  it('makes every pane dirty and on after a reset, and forgets panes', () => {
    const dirty = new DirtyTracker();
    dirty.output('%1', 1);
    dirty.takePauses();
    expect(dirty.rewatch('%2')).toBe(true);
    dirty.beginCapture(['%1', '%2']);
    dirty.reset();
    expect([dirty.isDirty('%1'), dirty.isDirty('%2')]).toEqual([true, true]);
    expect(dirty.beginCapture(['%1'])).toEqual([]); // the new client has nothing paused
    dirty.forget(['%1']);
    expect([...dirty.panes()]).toEqual(['%2']);
    expect(dirty.lastOutputAt('%1')).toBeUndefined();
  });

  it('keeps a held pane paused and dirty through captures until released', () => {
    const dirty = new DirtyTracker();
    expect(dirty.hold('%1')).toBe(true);
    expect(dirty.hold('%1')).toBe(false);
    expect(dirty.beginCapture(['%1'])).toEqual([]);
    expect(dirty.isDirty('%1')).toBe(true);
    dirty.release('%1');
    expect(dirty.beginCapture(['%1'])).toEqual([]);
    dirty.release('%1');
    dirty.forget(['%1']); // released: forgotten
    expect(dirty.hold('%1')).toBe(true);
    dirty.forget(['%1']); // held: kept
    dirty.reset();
    expect(dirty.takePauses()).toEqual(['%1']); // a new client must pause it again
    dirty.release('%1');
    expect(dirty.beginCapture(['%1'])).toEqual(['%1']);
    expect(dirty.isDirty('%1')).toBe(false);
  });

  it('keeps a pane that printed between its captures at two syncs in a row paused, until a capture finds its screen unchanged', () => {
    const dirty = new DirtyTracker();
    dirty.beginSync();
    dirty.output('%1', 1);
    dirty.takePauses();
    expect(dirty.beginCapture(['%1'])).toEqual(['%1']); // printed before its first capture: resumed
    expect(dirty.isBusy('%1')).toBe(false);
    dirty.output('%1', 2);
    expect(dirty.takePauses()).toEqual(['%1']);
    dirty.beginSync();
    expect(dirty.beginCapture(['%1'])).toEqual([]); // printed again since the capture at the sync before: busy, stays paused
    expect(dirty.isBusy('%1')).toBe(true);
    dirty.captured('%1', true, 5);
    expect(dirty.lastOutputAt('%1')).toBe(5); // a changed screen is its output
    expect(dirty.isDirty('%1')).toBe(true); // captured at every sync
    dirty.beginSync();
    expect(dirty.beginCapture(['%1'])).toEqual([]);
    expect(dirty.takePauses()).toEqual([]);
    dirty.captured('%1', false, 9); // unchanged: busy no more, resumed and captured at the next sync
    expect(dirty.isBusy('%1')).toBe(false);
    expect(dirty.lastOutputAt('%1')).toBe(5);
    expect(dirty.isDirty('%1')).toBe(true);
    dirty.beginSync();
    expect(dirty.beginCapture(['%1'])).toEqual(['%1']);
    expect(dirty.isDirty('%1')).toBe(false);
  });

  it('does not make busy a pane that printed after a sync it was not captured at', () => {
    const dirty = new DirtyTracker();
    dirty.beginSync();
    dirty.beginCapture(['%1']);
    dirty.beginSync(); // quiet: not captured
    dirty.output('%1', 1);
    dirty.beginSync();
    expect(dirty.beginCapture(['%1'])).toEqual([]); // its pause was never sent: nothing to resume
    expect(dirty.isBusy('%1')).toBe(false);
  });

  it('forgets that a pane was busy when the connection is replaced or the pane is watched anew', () => {
    const dirty = new DirtyTracker();
    for (const sync of [1, 2]) {
      dirty.beginSync();
      dirty.output('%1', sync);
      dirty.output('%2', sync);
      dirty.takePauses();
      dirty.beginCapture(['%1', '%2']);
    }
    expect([dirty.isBusy('%1'), dirty.isBusy('%2')]).toEqual([true, true]);
    dirty.reset();
    expect(dirty.isBusy('%1')).toBe(false);
    expect(dirty.rewatch('%2')).toBe(true);
    expect(dirty.isBusy('%2')).toBe(false);
  });

  /**
   * A model of tmux and the connection: commands reach tmux in order and
   * later; notifications and replies reach the tracker in order and later;
   * tmux sends `%output` for a pane only while it is not paused. Whatever a
   * pane printed before a cycle starts must make it need a capture, busy or not.
   */
  it('never lets a pane that printed since its last capture be served from the cache', () => {
    const panes = ['%1', '%2', '%3'] as const;
    const pane = fc.constantFrom(...panes);
    // Weighted towards output and cycles, so that panes often print at syncs in a row (and become busy).
    const step = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('write' as const), pane }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('deliver' as const) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('process' as const) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('flush' as const) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('hold' as const), pane }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('forget' as const), pane }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('release' as const), pane }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('reset' as const) }), weight: 1 },
      {
        arbitrary: fc.record({ kind: fc.constant('cycle' as const), panes: fc.subarray([...panes], { minLength: 1 }), seen: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) }),
        weight: 4,
      },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80, size: 'max' }), (steps) => {
        const dirty = new DirtyTracker();
        const paused = new Set<string>(); // tmux's view, for this client
        let toTmux: { what: 'pause' | 'continue'; panes: string[] }[] = [];
        let toClient: string[] = []; // %output pane ids
        const stale = new Set<string>(panes); // printed since last capture (never captured counts)
        const captured = new Set<string>();
        const held: string[] = [];
        const forgotten = new Set<string>(); // no longer watched; tmux may still hold them paused
        const process = (): void => {
          const command = toTmux.shift();
          if (command === undefined) return;
          for (const id of command.panes) {
            if (command.what === 'pause') paused.add(id);
            else paused.delete(id);
          }
        };
        const deliver = (): void => {
          const id = toClient.shift();
          if (id !== undefined) dirty.output(id, 0);
        };
        const roundTrip = (): void => {
          while (toTmux.length > 0) process();
          while (toClient.length > 0) deliver();
        };
        for (const s of steps) {
          if (s.kind === 'write') {
            stale.add(s.pane);
            if (!paused.has(s.pane)) toClient.push(s.pane);
          } else if (s.kind === 'deliver') deliver();
          else if (s.kind === 'process') process();
          else if (s.kind === 'flush') {
            const pauses = dirty.takePauses();
            if (pauses.length > 0) toTmux.push({ what: 'pause', panes: pauses });
          } else if (s.kind === 'hold') {
            if (dirty.hold(s.pane)) toTmux.push({ what: 'pause', panes: [s.pane] });
            roundTrip();
            held.push(s.pane);
          } else if (s.kind === 'forget') {
            if (held.includes(s.pane)) continue;
            dirty.forget([s.pane]);
            forgotten.add(s.pane);
          } else if (s.kind === 'release') {
            const at = held.indexOf(s.pane);
            if (at === -1) continue;
            held.splice(at, 1);
            dirty.release(s.pane);
          } else if (s.kind === 'reset') {
            // A new client: tmux starts it with every pane on, and nothing in flight.
            paused.clear();
            toTmux = [];
            toClient = [];
            dirty.reset();
          } else {
            // Sync: panes watched anew are resumed in the same batch, before the round trip.
            dirty.beginSync();
            const rewatched = s.panes.filter((id) => forgotten.delete(id) && dirty.rewatch(id));
            if (rewatched.length > 0) toTmux.push({ what: 'continue', panes: rewatched });
            const pauses = dirty.takePauses();
            if (pauses.length > 0) toTmux.push({ what: 'pause', panes: pauses });
            roundTrip(); // sync
            const needs = s.panes.filter((id) => !captured.has(id) || dirty.isDirty(id));
            for (const id of s.panes) if (stale.has(id)) expect(needs).toContain(id);
            const resume = dirty.beginCapture(needs);
            if (resume.length > 0) toTmux.push({ what: 'continue', panes: resume });
            roundTrip(); // continue, awaited
            for (const [i, id] of needs.entries()) {
              // A capture sees a change only if the pane printed; not every print changes the screen.
              dirty.captured(id, stale.has(id) && s.seen[i % s.seen.length] === true, 0);
              stale.delete(id);
              captured.add(id);
            }
            // A held pane is never resumed: its process may be restarting.
            for (const id of held) expect(paused.has(id)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
