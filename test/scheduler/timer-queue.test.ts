import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue, type Timed } from '../../src/scheduler/timer-queue.js';

interface Item extends Timed {
  readonly name: number;
}

const item = (at: number, name: number): Item => ({ at, name, bucket: undefined, slot: -1 });

function drain(queue: TimerQueue<Item>): Item[] {
  const out: Item[] = [];
  for (let next = queue.shift(Number.POSITIVE_INFINITY); next !== undefined; next = queue.shift(Number.POSITIVE_INFINITY)) out.push(next);
  return out;
}

describe('TimerQueue', () => {
  it('gives items by due time, first queued first out within a millisecond, only once due', () => {
    const queue = new TimerQueue<Item>();
    for (const [at, name] of [[5, 0], [1, 1], [5, 2], [3, 3], [1, 4]] as const) queue.push(item(at, name));
    expect(queue.size).toBe(5);
    expect(queue.nextAt).toBe(1);
    expect(queue.shift(0)).toBeUndefined();
    expect(queue.shift(1)?.name).toBe(1);
    expect(queue.shift(1)?.name).toBe(4);
    expect(queue.shift(2)).toBeUndefined();
    expect(drain(queue).map((i) => i.name)).toEqual([3, 0, 2]);
    expect(queue.size).toBe(0);
    expect(queue.nextAt).toBeUndefined();
  });

  it('removes queued items only, and drops a bucket once empty', () => {
    const queue = new TimerQueue<Item>();
    const items = [item(2, 0), item(2, 1), item(7, 2)];
    for (const i of items) queue.push(i);
    expect(queue.remove(items[0] as Item)).toBe(true);
    expect(queue.remove(items[0] as Item)).toBe(false);
    expect(queue.remove(item(2, 9))).toBe(false);
    expect(queue.remove(items[1] as Item)).toBe(true);
    expect(queue.nextAt).toBe(7);
    const taken = queue.shift(10) as Item;
    expect(queue.remove(taken)).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('behaves like a stable sort under any mix of pushes, shifts, removals and re-pushes', () => {
    type Op = { kind: 'push'; at: number } | { kind: 'shift'; now: number } | { kind: 'remove'; pick: number } | { kind: 'again'; pick: number; at: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), at: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('shift' as const), now: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('again' as const), pick: fc.nat(), at: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new TimerQueue<Item>();
        let model: { item: Item; order: number }[] = [];
        let order = 0;
        let name = 0;
        const taken: Item[] = [];
        const sort = (): void => void model.sort((a, b) => a.item.at - b.item.at || a.order - b.order);
        for (const step of ops) {
          if (step.kind === 'push') {
            const i = item(step.at, name++);
            queue.push(i);
            model.push({ item: i, order: order++ });
          } else if (step.kind === 'shift') {
            sort();
            const expected = model[0] !== undefined && model[0].item.at <= step.now ? model.shift()?.item : undefined;
            const got = queue.shift(step.now);
            expect(got).toBe(expected);
            if (got !== undefined) taken.push(got);
          } else if (step.kind === 'remove' && model.length > 0) {
            const victim = (model[step.pick % model.length] as { item: Item }).item;
            expect(queue.remove(victim)).toBe(true);
            model = model.filter((entry) => entry.item !== victim);
          } else if (step.kind === 'again' && taken.length > 0) {
            // An item taken out goes back in at a new time (a recurring job's next due time).
            const back = taken.splice(step.pick % taken.length, 1)[0] as Item;
            back.at = step.at;
            queue.push(back);
            model.push({ item: back, order: order++ });
          }
          expect(queue.size).toBe(model.length);
          sort();
          expect(queue.nextAt).toBe(model[0]?.item.at);
        }
        sort();
        expect(drain(queue)).toEqual(model.map((entry) => entry.item));
      }),
    );
  });
});
