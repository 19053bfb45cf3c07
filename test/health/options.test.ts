import { describe, expect, it } from 'vitest';
import { LayeredCache } from '../../src/cache/layered-cache.js';
import { InvalidOptionError } from '../../src/errors.js';
import { HealthChecker } from '../../src/health/checker.js';
import { pollMonitor } from '../../src/health/monitors/poll.js';
import { StrategyRegistry, UnknownStrategyError } from '../../src/strategies/registry.js';

const registry = new StrategyRegistry();
const base = { agents: () => [], registry };

describe('HealthChecker options', () => {
  it('defaults to events mode with a cache of its own', async () => {
    await using checker = new HealthChecker(base);
    expect(checker.mode).toBe('events');
    expect(checker.cache).toBeInstanceOf(LayeredCache);
    expect(checker.running).toBe(false);
    expect(checker.lastReport).toBeUndefined();
  });

  it('uses the cache it is given', async () => {
    const cache = new LayeredCache();
    await using checker = new HealthChecker({ ...base, cache, mode: 'poll' });
    expect(checker.cache).toBe(cache);
  });

  it.each([
    ['intervalMs', -1, 'Expected `intervalMs` to be a positive number, got `-1` (number)'],
    ['observeTimeoutMs', 0, 'Expected `observeTimeoutMs` to be a positive number, got `0` (number)'],
    ['stallAfterMs', Number.NaN, 'Expected `stallAfterMs` to be a positive number, got `NaN` (number)'],
    ['captureConcurrency', 1.5, 'Expected `captureConcurrency` to be an integer >= 1, got `1.5` (number)'],
    ['mode', '', 'Expected `mode` to be a monitor strategy name, got `` (string)'],
    ['cache', {}, 'Expected `cache` to be a LayeredCache, got `[object Object]` (object)'],
  ])('rejects %s = %s', (name, value, message) => {
    expect(() => new HealthChecker({ ...base, [name]: value })).toThrow(new InvalidOptionError(message));
  });

  it('requires agents and a registry', () => {
    expect(() => new HealthChecker({ registry } as never)).toThrow(InvalidOptionError);
    expect(() => new HealthChecker({ agents: () => [] } as never)).toThrow(/`registry`/u);
  });

  it('names the known modes for an unknown one, registered ones included', () => {
    const own = new StrategyRegistry();
    own.register('monitor', 'sampled', pollMonitor);
    const attempt = (): HealthChecker => new HealthChecker({ agents: () => [], registry: own, mode: 'evnets' });
    expect(attempt).toThrow(UnknownStrategyError);
    expect(attempt).toThrow('unknown monitor strategy `evnets` (known: `events`, `poll`, `sampled`)');
  });
});
