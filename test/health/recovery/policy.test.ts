import { EventEmitter } from 'eventemitter3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import type { HealthCheckerEvents } from '../../../src/health/events.js';
import { RecoveryManager, type RecoveryManagerOptions } from '../../../src/health/recovery/manager.js';
import { DEFAULT_RECOVERY_POLICY, type RecoveryPolicy, type RecoveryRule } from '../../../src/health/recovery/policy.js';
import { notifyRecovery } from '../../../src/health/recovery/notify.js';
import { RECOVERY_TRIGGERS, type RecoveryStrategyName } from '../../../src/health/recovery/strategy.js';
import { StrategyRegistry, UnknownStrategyError } from '../../../src/strategies/registry.js';

declare module '../../../src/health/recovery/strategy.js' {
  interface RecoveryStrategyNames {
    /** Registered by the custom-registry test. */
    page: true;
  }
}

const noFleet = { get: () => undefined };

function manager(options: Partial<RecoveryManagerOptions> = {}): RecoveryManager {
  return new RecoveryManager({ source: new EventEmitter<HealthCheckerEvents>(), fleet: noFleet, ...options });
}

describe('recovery policy', () => {
  it('restarts exited agents, resumes rate-limited ones and reports the rest by default; shells are reported when they exit', () => {
    const recovery = manager();
    expect(recovery.policyFor({ name: 'eng-1', kind: 'claude-code' })).toEqual({
      exited: 'restart',
      stalled: 'notify',
      'rate-limited': 'resume',
      errored: 'notify',
    });
    expect(recovery.policyFor({ name: 'sh-1', kind: 'shell' })).toEqual({ ...DEFAULT_RECOVERY_POLICY, exited: 'notify' });
  });

  it('resolves each trigger from the agent, then its kind, then the defaults', () => {
    const recovery = manager({
      strategies: { escalate: { supervisor: 'pm' } },
      policy: { stalled: 'escalate' },
      kinds: { codex: { errored: 'restart', stalled: 'notify' }, shell: { stalled: 'escalate' } },
      agents: { 'eng-2': { errored: 'escalate' } },
    });
    expect(recovery.policyFor({ name: 'eng-1', kind: 'claude-code' })).toMatchObject({ stalled: 'escalate', errored: 'notify' });
    expect(recovery.policyFor({ name: 'eng-1', kind: 'codex' })).toMatchObject({ stalled: 'notify', errored: 'restart', exited: 'restart' });
    expect(recovery.policyFor({ name: 'eng-2', kind: 'codex' })).toMatchObject({ stalled: 'notify', errored: 'escalate' });
    // A user's kind rules lie over the built-in kind rules, which stay for the triggers they do not name.
    expect(recovery.policyFor({ name: 'sh', kind: 'shell' })).toMatchObject({ exited: 'notify', stalled: 'escalate' });
    const rule: RecoveryRule = { strategy: 'restart', options: { maxRestarts: 1 } };
    recovery.setPolicy('sh', { exited: rule });
    expect(recovery.policyFor({ name: 'sh', kind: 'shell' }).exited).toBe(rule);
    recovery.setPolicy('sh', undefined);
    expect(recovery.policyFor({ name: 'sh', kind: 'shell' }).exited).toBe('notify');
    recovery.setPolicy('eng-2', {});
    expect(recovery.policyFor({ name: 'eng-2', kind: 'codex' }).errored).toBe('restart');
  });

  it('gives every trigger the first rule set among agent, kind and default (property)', () => {
    const name = fc.constantFrom<RecoveryStrategyName>('restart', 'notify', 'resume');
    const layer = fc.record(Object.fromEntries(RECOVERY_TRIGGERS.map((trigger) => [trigger, name])) as Record<string, fc.Arbitrary<RecoveryStrategyName>>, {
      requiredKeys: [],
    }) as fc.Arbitrary<Partial<RecoveryPolicy>>;
    fc.assert(
      fc.property(layer, layer, layer, (policy, kind, agent) => {
        const recovery = manager({ policy, kinds: { codex: kind }, agents: { a: agent } });
        const resolved = recovery.policyFor({ name: 'a', kind: 'codex' });
        const other = recovery.policyFor({ name: 'b', kind: 'aider' });
        for (const trigger of RECOVERY_TRIGGERS) {
          expect(resolved[trigger]).toBe(agent[trigger] ?? kind[trigger] ?? policy[trigger] ?? DEFAULT_RECOVERY_POLICY[trigger]);
          expect(other[trigger]).toBe(policy[trigger] ?? DEFAULT_RECOVERY_POLICY[trigger]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses bad policies and options up front with messages naming them', () => {
    expect(() => manager({ policy: { crashed: 'restart' } as Partial<RecoveryPolicy> })).toThrow(
      'Unknown trigger `crashed` in `policy` (known: `exited`, `stalled`, `rate-limited`, `errored`)',
    );
    expect(() => manager({ kinds: { codex: { exited: 7 as unknown as RecoveryRule } } })).toThrow(
      'Expected `kinds.codex.exited` to be a strategy name or `{ strategy, options }`, got `7` (number)',
    );
    expect(() => manager({ policy: { exited: { strategy: 'restart', extra: 1 } as unknown as RecoveryRule } })).toThrow(InvalidOptionError);
    const unknown = (): RecoveryManager => manager({ policy: { exited: 'reboot' as RecoveryStrategyName } });
    expect(unknown).toThrow(UnknownStrategyError);
    expect(unknown).toThrow('unknown recovery strategy `reboot` (known: `escalate`, `notify`, `restart`, `resume`)');
    // Strategy options are checked where the strategy is named, not when it first acts.
    expect(() => manager({ policy: { stalled: 'escalate' } })).toThrow('Expected `supervisor` to be a non-empty string');
    expect(() => manager({ strategies: { restart: { maxRestarts: -1 } } })).toThrow('Expected `maxRestarts` to be an integer >= 1, got `-1` (number)');
    expect(() => manager({ strategies: { restart: 3 as unknown as object } })).toThrow('Expected `strategies.restart` to be an object of options, got `3` (number)');
    expect(() => manager({ resetAfterMs: 0 })).toThrow('Expected `resetAfterMs` to be a positive number, got `0` (number)');
    expect(() => manager({ source: {} as RecoveryManagerOptions['source'] })).toThrow(/Expected `source` to be an emitter/u);
    expect(() => manager({ fleet: undefined as unknown as RecoveryManagerOptions['fleet'] })).toThrow('Expected `fleet` to look agents up by name, got `undefined` (undefined)');
    expect(() => manager({ agents: { '': { exited: 'notify' } } })).toThrow('Expected an agent name, got `` (string)');

    const recovery = manager();
    expect(() => recovery.setPolicy('eng-1', { stalled: 'escalate' })).toThrow(InvalidOptionError);
    expect(recovery.policyFor({ name: 'eng-1', kind: 'claude-code' }).stalled).toBe('notify');
    expect(() => recovery.setPolicy('eng-1', { stalled: { strategy: 'escalate', options: { supervisor: 'pm' } } })).not.toThrow();
    expect(recovery.policyFor({ name: 'eng-1', kind: 'claude-code' }).stalled).toEqual({ strategy: 'escalate', options: { supervisor: 'pm' } });
  });

  it('looks strategies up in the registry it is given', () => {
    const registry = new StrategyRegistry();
    const made: unknown[] = [];
    registry.register('recovery', 'page', (options) => {
      made.push(options);
      return { ...notifyRecovery(), name: 'page' };
    });
    for (const name of ['restart', 'notify', 'resume'] as const) registry.register('recovery', name, () => notifyRecovery());
    const recovery = manager({ registry, policy: { stalled: 'page' }, strategies: { page: { to: 'ops' } } });
    expect(recovery.policyFor({ name: 'x', kind: 'gemini-cli' }).stalled).toBe('page');
    recovery.setPolicy('x', { errored: { strategy: 'page', options: { to: 'me' } } });
    expect(made).toEqual([{ to: 'ops' }, { to: 'me' }]);
    expect(() => manager({ registry: new StrategyRegistry() })).toThrow('unknown recovery strategy `restart` (none are registered)');
  });
});
