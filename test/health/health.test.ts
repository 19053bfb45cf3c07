import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_STATES } from '../../src/agents/state.js';
import { classifyHealth } from '../../src/health/health.js';

describe('classifyHealth', () => {
  it('reads exited, stalled and healthy', () => {
    expect(classifyHealth({ state: 'exited', quietMs: 0, stallAfterMs: 100 })).toBe('exited');
    expect(classifyHealth({ state: 'working', quietMs: 99, stallAfterMs: 100 })).toBe('healthy');
    expect(classifyHealth({ state: 'working', quietMs: 100, stallAfterMs: 100 })).toBe('stalled');
    expect(classifyHealth({ state: 'idle', quietMs: 1e9, stallAfterMs: 100 })).toBe('healthy');
    expect(classifyHealth({ state: 'waiting', quietMs: 1e9, stallAfterMs: 100 })).toBe('healthy');
  });

  it('stalls only working agents, and only once quiet for the stall time', () => {
    fc.assert(
      fc.property(fc.constantFrom(...AGENT_STATES), fc.nat(), fc.integer({ min: 1 }), (state, quietMs, stallAfterMs) => {
        const health = classifyHealth({ state, quietMs, stallAfterMs });
        expect(health === 'stalled').toBe(state === 'working' && quietMs >= stallAfterMs);
        expect(health === 'exited').toBe(state === 'exited');
        // Quieter never makes a stalled agent healthy again.
        if (health === 'stalled') expect(classifyHealth({ state, quietMs: quietMs + 1, stallAfterMs })).toBe('stalled');
      }),
    );
  });
});
