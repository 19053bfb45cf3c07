/**
 * The pending jobs, in due order: one bucket per millisecond in a binary
 * heap of buckets. Jobs due in the same millisecond share a bucket, so
 * adding and taking a job is O(1) and only the (few) distinct times pay the
 * heap's O(log n): 100,000 jobs due over 3 s make a heap of 3,000.
 *
 * @internal
 * @module
 */
import { TimerHeap, type HeapNode } from './heap.js';

/** What the queue holds: its due time, and where the queue keeps it (set by the queue). */
export interface Timed {
  /** When it is due (epoch milliseconds, whole). */
  at: number;
  /** The bucket holding it, or `undefined` when it is not queued. */
  bucket: object | undefined;
  /** Its position in the bucket. */
  slot: number;
}

/** The items due in one millisecond, in the order they were queued. */
class Bucket<T> implements HeapNode {
  at: number;
  seq = 0;
  index = -1;
  /** Items, with holes where some were removed. */
  readonly items: (T | undefined)[] = [];
  /** The first position not taken yet. */
  head = 0;
  /** Items still in the bucket. */
  live = 0;

  constructor(at: number) {
    this.at = at;
  }
}

/** Items by due time, first queued first out within a millisecond. */
export class TimerQueue<T extends Timed> {
  readonly #heap = new TimerHeap<Bucket<T>>();
  readonly #buckets = new Map<number, Bucket<T>>();
  #size = 0;

  /** Items queued. */
  get size(): number {
    return this.#size;
  }

  /** The earliest due time, or `undefined` when the queue is empty. */
  get nextAt(): number | undefined {
    return this.#heap.peek()?.at;
  }

  /** Queues an item (which must not be queued already) at its `at`. */
  push(item: T): void {
    let bucket = this.#buckets.get(item.at);
    if (bucket === undefined) {
      bucket = new Bucket<T>(item.at);
      this.#buckets.set(item.at, bucket);
      this.#heap.push(bucket);
    }
    item.bucket = bucket;
    item.slot = bucket.items.length;
    bucket.items.push(item);
    bucket.live++;
    this.#size++;
  }

  /** Takes out a queued item; `false` when it is not in this queue. */
  remove(item: T): boolean {
    const bucket = item.bucket as Bucket<T> | undefined;
    if (bucket === undefined || bucket.items[item.slot] !== item) return false;
    bucket.items[item.slot] = undefined;
    this.#taken(item, bucket);
    return true;
  }

  /** Takes the earliest item if it is due at or before `now`. */
  shift(now: number): T | undefined {
    const bucket = this.#heap.peek();
    if (bucket === undefined || bucket.at > now) return undefined;
    let item: T | undefined;
    // A bucket in the heap holds at least one item.
    while (item === undefined) item = bucket.items[bucket.head++];
    bucket.items[bucket.head - 1] = undefined;
    this.#taken(item, bucket);
    return item;
  }

  #taken(item: T, bucket: Bucket<T>): void {
    item.bucket = undefined;
    this.#size--;
    if (--bucket.live === 0) {
      this.#heap.remove(bucket);
      this.#buckets.delete(bucket.at);
    }
  }
}
