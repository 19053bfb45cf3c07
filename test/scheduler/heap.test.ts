import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap, type HeapNode } from '../../src/scheduler/heap.js';

interface Node extends HeapNode {
  readonly name: number;
}

const node = (at: number, name: number): Node => ({ at, name, seq: 0, index: -1 });

function drain(heap: TimerHeap<Node>): Node[] {
  const out: Node[] = [];
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) out.push(next);
  return out;
}

describe('TimerHeap', () => {
  it('pops by time, first in first out among equal times', () => {
    const heap = new TimerHeap<Node>();
    for (const [at, name] of [[5, 0], [1, 1], [5, 2], [3, 3], [1, 4]] as const) heap.push(node(at, name));
    expect(heap.size).toBe(5);
    expect(heap.peek()?.name).toBe(1);
    expect(drain(heap).map((n) => n.name)).toEqual([1, 4, 3, 0, 2]);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });

  it('removes any node, and only nodes it holds', () => {
    const heap = new TimerHeap<Node>();
    const nodes = [3, 1, 4, 1, 5, 9, 2, 6].map((at, name) => node(at, name));
    for (const n of nodes) heap.push(n);
    expect(heap.remove(nodes[5] as Node)).toBe(true);
    expect(heap.remove(nodes[5] as Node)).toBe(false);
    expect((nodes[5] as Node).index).toBe(-1);
    expect(heap.remove(node(0, 99))).toBe(false);
    expect(drain(heap).map((n) => n.at)).toEqual([1, 1, 2, 3, 4, 5, 6]);
  });

  it('behaves like a stable sort under any mix of pushes, pops and removals', () => {
    type Op = { kind: 'push'; at: number } | { kind: 'pop' } | { kind: 'remove'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), at: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new TimerHeap<Node>();
        let model: Node[] = [];
        let name = 0;
        for (const step of ops) {
          if (step.kind === 'push') {
            const n = node(step.at, name++);
            heap.push(n);
            model.push(n);
          } else if (step.kind === 'pop') {
            model.sort((a, b) => a.at - b.at || a.name - b.name);
            expect(heap.pop()).toBe(model.shift());
          } else if (model.length > 0) {
            const victim = model[step.pick % model.length] as Node;
            expect(heap.remove(victim)).toBe(true);
            model = model.filter((n) => n !== victim);
          }
          expect(heap.size).toBe(model.length);
        }
        model.sort((a, b) => a.at - b.at || a.name - b.name);
        expect(drain(heap)).toEqual(model);
      }),
    );
  });
});
