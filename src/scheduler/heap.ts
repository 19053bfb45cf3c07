/**
 * A binary min-heap of timers: the scheduler keeps every pending job in one
 * and arms a single `setTimeout` for the earliest.
 *
 * @internal
 * @module
 */

/** What the heap orders: the time, a tie-breaker and the node's position, both kept by the heap. */
export interface HeapNode {
  /** When the node is due (epoch milliseconds); smaller comes first. */
  at: number;
  /** Push order, set by the heap: nodes due at the same time come out first in, first out. */
  seq: number;
  /** Position in the heap, set by the heap; -1 when the node is not in it. */
  index: number;
}

/** A min-heap on `at` (then `seq`), with O(log n) push, pop and removal of any node. */
export class TimerHeap<T extends HeapNode> {
  readonly #nodes: T[] = [];
  #seq = 0;

  /** Nodes in the heap. */
  get size(): number {
    return this.#nodes.length;
  }

  /** The earliest node, without removing it. */
  peek(): T | undefined {
    return this.#nodes[0];
  }

  /** Adds a node (which must not be in the heap already). */
  push(node: T): void {
    node.seq = this.#seq++;
    node.index = this.#nodes.length;
    this.#nodes.push(node);
    this.#up(node.index);
  }

  /** Removes and returns the earliest node. */
  pop(): T | undefined {
    const first = this.#nodes[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Removes a node; `false` when it is not in this heap. */
  remove(node: T): boolean {
    const index = node.index;
    if (index < 0 || this.#nodes[index] !== node) return false;
    const last = this.#nodes.pop() as T;
    node.index = -1;
    if (last !== node) {
      this.#nodes[index] = last;
      last.index = index;
      this.#down(index);
      this.#up(last.index);
    }
    return true;
  }

  #up(index: number): void {
    const nodes = this.#nodes;
    const node = nodes[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = nodes[parentIndex] as T;
      if (!before(node, parent)) break;
      nodes[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    nodes[index] = node;
    node.index = index;
  }

  #down(index: number): void {
    const nodes = this.#nodes;
    const length = nodes.length;
    const node = nodes[index] as T;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && before(nodes[right] as T, nodes[left] as T) ? right : left;
      const childNode = nodes[child] as T;
      if (!before(childNode, node)) break;
      nodes[index] = childNode;
      childNode.index = index;
      index = child;
    }
    nodes[index] = node;
    node.index = index;
  }
}

function before(a: HeapNode, b: HeapNode): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
