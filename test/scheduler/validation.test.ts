import { describe, expect, it } from 'vitest';
import { UnknownAgentError } from '../../src/agents/errors.js';
import { InvalidArgumentError, InvalidOptionError } from '../../src/errors.js';
import { InvalidScheduleError, UnknownHandlerError } from '../../src/scheduler/errors.js';
import type { JobTarget } from '../../src/scheduler/job.js';
import { MemoryScheduleStore } from '../../src/scheduler/memory-store.js';
import { BUILTIN_STORES } from '../../src/scheduler/options.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { StrategyRegistry, UnknownStrategyError } from '../../src/strategies/registry.js';
import { testScheduler } from './support/scheduler.js';

async function scheduler() {
  const made = await testScheduler({ deliver: async () => 'ok', hasAgent: (name) => name === 'eng-1', maxDelay: '30d' });
  made.scheduler.handle('h', () => undefined);
  return made.scheduler;
}

class Point {
  constructor(readonly x: number) {}
}

describe('scheduling bad input is a typed error, and schedules nothing', () => {
  it.each<[string, (s: Scheduler) => Promise<unknown>]>([
    ['a negative delay', (s) => s.in(-1, { handler: 'h' })],
    ['a negative duration string', (s) => s.in('-5s', { handler: 'h' })],
    ['a duration without a unit', (s) => s.in('15', { handler: 'h' })],
    ['a word', (s) => s.in('soon', { handler: 'h' })],
    ['NaN', (s) => s.in(Number.NaN, { handler: 'h' })],
    ['a delay over maxDelay', (s) => s.in('31d', { handler: 'h' })],
    ['an absurd delay', (s) => s.in(Number.MAX_VALUE, { handler: 'h' })],
    ['a date in the past', (s) => s.at(new Date(Date.now() - 60_000), { handler: 'h' })],
    ['an invalid date', (s) => s.at(new Date('nope'), { handler: 'h' })],
    ['a date beyond maxDelay', (s) => s.at(Date.now() + 40 * 86_400_000, { handler: 'h' })],
    ['a zero interval', (s) => s.every(0, { handler: 'h' })],
    ['an interval over maxDelay', (s) => s.every('5w', { handler: 'h' })],
    ['an invalid cron field', (s) => s.cron('61 * * * *', { handler: 'h' })],
    ['a cron with too few fields', (s) => s.cron('* *', { handler: 'h' })],
    ['a date passed as cron', (s) => s.cron('2030-01-01T00:00:00', { handler: 'h' })],
    ['a cron that never fires again', (s) => s.cron('0 0 0 1 1 * 2020', { handler: 'h' })],
    ['an unknown timezone', (s) => s.cron('0 9 * * *', { handler: 'h' }, { timezone: 'Mars/Olympus' })],
    ['a negative jitter', (s) => s.in('1s', { handler: 'h' }, { jitter: '-1s' })],
    ['an unknown overlap policy', (s) => s.every('1s', { handler: 'h' }, { overlap: 'sometimes' as never })],
    ['an empty id', (s) => s.in('1s', { handler: 'h' }, { id: '' })],
    ['a signal that is not one', (s) => s.in('1s', { handler: 'h' }, { signal: {} as never })],
    ['no job', (s) => s.in('1s', null as never)],
    ['a job with both a handler and an agent', (s) => s.in('1s', { handler: 'h', agent: 'eng-1', message: 'x' } as never)],
    ['an empty message', (s) => s.in('1s', { agent: 'eng-1', message: '' })],
    ['a message job with a payload', (s) => s.in('1s', { agent: 'eng-1', message: 'x', payload: 1 } as never)],
    ['an empty handler name', (s) => s.in('1s', { handler: '' })],
  ])('%s → InvalidScheduleError', async (_, call) => {
    const s = await scheduler();
    await expect(call(s)).rejects.toBeInstanceOf(InvalidScheduleError);
    expect(s.size).toBe(0);
  });

  it.each<[string, unknown]>([
    ['a function', { run: () => 1 }],
    ['undefined in an array', [1, undefined]],
    ['undefined in an object', { a: undefined }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a bigint', { big: 10n }],
    ['a symbol', Symbol('s')],
    ['a Date', { when: new Date() }],
    ['a Map', new Map()],
    ['a class instance', { at: new Point(1) }],
    ['a cycle', (() => {
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      return cycle;
    })()],
  ])('a payload holding %s → InvalidScheduleError naming where', async (_, payload) => {
    const s = await scheduler();
    await expect(s.in('1s', { handler: 'h', payload } as JobTarget)).rejects.toThrow(/payload/u);
    await expect(s.in('1s', { handler: 'h', payload } as JobTarget)).rejects.toBeInstanceOf(InvalidScheduleError);
    expect(s.size).toBe(0);
  });

  it('copies a good payload, so changing the object later does not change the job', async () => {
    const s = await scheduler();
    const payload = { list: [1, 'two', null, { deep: true }], shared: { a: 1 } };
    const job = await s.in('1s', { handler: 'h', payload: { ...payload, again: payload.shared } });
    payload.list.push(5);
    expect(job.target).toEqual({ handler: 'h', payload: { list: [1, 'two', null, { deep: true }], shared: { a: 1 }, again: { a: 1 } } });
  });

  it('refuses an unknown handler or agent, a duplicate id, and message jobs without `deliver`', async () => {
    const s = await scheduler();
    await expect(s.in('1s', { handler: 'nope' })).rejects.toBeInstanceOf(UnknownHandlerError);
    await expect(s.in('1s', { handler: 'nope' })).rejects.toThrow(/known: `h`/u);
    await expect(s.in('1s', { agent: 'eng-2', message: 'hi' })).rejects.toBeInstanceOf(UnknownAgentError);
    await s.in('1s', { agent: 'eng-1', message: 'hi' }, { id: 'one' });
    await expect(s.in('1s', { handler: 'h' }, { id: 'one' })).rejects.toThrow(/already scheduled/u);
    const { scheduler: bare } = await testScheduler();
    await expect(bare.in('1s', { agent: 'eng-1', message: 'hi' })).rejects.toThrow(/deliver/u);
  });

  it('accepts a date up to a second in the past as now, and a delay of 0', async () => {
    const s = await scheduler();
    const now = Date.now();
    expect((await s.at(now - 500, { handler: 'h' })).dueAt).toBeGreaterThanOrEqual(now);
    expect((await s.in(0, { handler: 'h' })).dueAt).toBeGreaterThanOrEqual(now);
  });
});

describe('Scheduler options', () => {
  it.each<[string, ConstructorParameters<typeof Scheduler>[0]]>([
    ['misfire', { misfire: 'sometimes' as never }],
    ['maxDelay', { maxDelay: 'forever' }],
    ['maxDelay 0', { maxDelay: 0 }],
    ['keepAlive', { keepAlive: 'yes' as never }],
    ['deliver', { deliver: 'send' as never }],
    ['hasAgent', { hasAgent: true as never }],
    ['store', { store: 42 as never }],
    ['store name', { store: { strategy: 'nope' } }],
    ['store path', { store: '' }],
  ])('a bad `%s` is an InvalidOptionError', (_, options) => {
    expect(() => new Scheduler(options)).toThrow(InvalidOptionError);
  });

  it('makes a named store at start: a built-in one with its options checked, or one from the registry, plugins first', async () => {
    await expect(new Scheduler({ store: { strategy: 'file', options: {} } }).start()).rejects.toBeInstanceOf(InvalidOptionError);
    const registry = new StrategyRegistry();
    // Plugins register at start-up, after the scheduler is made: the name is looked up in start().
    const unknown = new Scheduler({ store: { strategy: 'nope' }, registry });
    await expect(unknown.start()).rejects.toBeInstanceOf(UnknownStrategyError);
    await unknown.close();
    const made: unknown[] = [];
    const store = new MemoryScheduleStore();
    registry.register('store', 'mine', (options) => {
      made.push(options.table);
      return store;
    });
    registry.register('store', 'memory', BUILTIN_STORES.memory);
    const { scheduler } = await testScheduler({ store: { strategy: 'mine', options: { table: 'jobs' } }, registry });
    scheduler.handle('h', () => undefined);
    await scheduler.in('1h', { handler: 'h' }, { id: 'x' });
    expect(made).toEqual(['jobs']);
    expect((await store.load()).map((job) => job.id)).toEqual(['x']);
    const builtin = await testScheduler({ store: { strategy: 'memory' }, registry });
    expect(builtin.scheduler.size).toBe(0);
  });

  it('checks handler registrations; unregistering removes only its own', async () => {
    const { scheduler } = await testScheduler();
    expect(() => scheduler.handle('', () => undefined)).toThrow(InvalidArgumentError);
    expect(() => scheduler.handle('x', 'nope' as never)).toThrow(InvalidArgumentError);
    const offFirst = scheduler.handle('x', () => 1);
    scheduler.handle('x', () => 2);
    offFirst();
    await expect(scheduler.in('1s', { handler: 'x' })).resolves.toMatchObject({ target: { handler: 'x' } });
  });
});
