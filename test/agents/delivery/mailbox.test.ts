import { setImmediate as afterMicrotasks, setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../../src/agents/delivery/mailbox.js';
import { AbortedError } from '../../../src/errors.js';

/** A promise with its resolve function outside. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('Mailbox', () => {
  it('runs one key’s tasks one at a time, in order, and different keys at once', async () => {
    const mailbox = new Mailbox();
    const done: string[] = [];
    const active = new Map<string, number>();
    let most = 0;
    let mostAcrossKeys = 0;
    const task = (key: string, index: number) => async (): Promise<number> => {
      const now = (active.get(key) ?? 0) + 1;
      active.set(key, now);
      most = Math.max(most, now);
      mostAcrossKeys = Math.max(mostAcrossKeys, [...active.values()].reduce((a, b) => a + b, 0));
      await delay((index * 7) % 5);
      active.set(key, (active.get(key) ?? 1) - 1);
      done.push(`${key}:${index}`);
      return index;
    };
    const keys = ['a', 'b', 'c'];
    const results = await Promise.all(keys.flatMap((key) => Array.from({ length: 20 }, (_, i) => mailbox.enqueue(key, task(key, i)))));
    expect(results).toEqual(keys.flatMap(() => Array.from({ length: 20 }, (_, i) => i)));
    for (const key of keys) {
      expect(done.filter((entry) => entry.startsWith(`${key}:`))).toEqual(Array.from({ length: 20 }, (_, i) => `${key}:${i}`));
    }
    expect(most).toBe(1);
    expect(mostAcrossKeys).toBe(3);
  });

  it('counts pending tasks per key and in all, and forgets a key once its queue is empty', async () => {
    const mailbox = new Mailbox();
    const first = gate();
    const running = mailbox.enqueue('a', () => first.promise);
    const queued = mailbox.enqueue('a', async () => 'second');
    const other = mailbox.enqueue('b', async () => 'other');
    expect(mailbox.pending('a')).toBe(2);
    expect(mailbox.pending('nobody')).toBe(0);
    await other;
    expect(mailbox.totalPending).toBe(2);
    expect(mailbox.keys()).toEqual(['a']);
    first.open();
    await running;
    await expect(queued).resolves.toBe('second');
    await mailbox.idle();
    expect(mailbox.totalPending).toBe(0);
    expect(mailbox.keys()).toEqual([]);
  });

  it('goes on after a task fails', async () => {
    const mailbox = new Mailbox();
    const failing = mailbox.enqueue('a', async () => {
      throw new Error('boom');
    });
    const next = mailbox.enqueue('a', async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('takes an aborted task out of the queue at once, without running it', async () => {
    const mailbox = new Mailbox();
    const first = gate();
    const running = mailbox.enqueue('a', () => first.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = mailbox.enqueue(
      'a',
      async () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    expect(mailbox.pending('a')).toBe(2);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    expect(mailbox.pending('a')).toBe(1);
    first.open();
    await running;
    await mailbox.idle();
    expect(ran).toBe(false);
    expect(mailbox.keys()).toEqual([]);
    await expect(mailbox.enqueue('a', async () => 1, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('lets a started task settle by itself when its signal fires, and keeps the next one waiting until then', async () => {
    const mailbox = new Mailbox();
    const controller = new AbortController();
    const release = gate();
    let sawSignal: AbortSignal | undefined;
    const started = gate();
    const running = mailbox.enqueue(
      'a',
      async (signal) => {
        sawSignal = signal;
        started.open();
        await release.promise;
        return 'finished anyway';
      },
      { signal: controller.signal },
    );
    let nextStarted = false;
    const next = mailbox.enqueue('a', async () => {
      nextStarted = true;
    });
    await started.promise;
    controller.abort();
    // Whatever the abort sets off runs in microtasks, all done before the next turn of the loop.
    await afterMicrotasks();
    expect(sawSignal?.aborted).toBe(true);
    expect(nextStarted).toBe(false);
    expect(mailbox.pending('a')).toBe(2);
    release.open();
    await expect(running).resolves.toBe('finished anyway');
    await next;
    expect(nextStarted).toBe(true);
  });
});
