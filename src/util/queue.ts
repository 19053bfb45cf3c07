/**
 * A first-in, first-out queue with O(1) push and shift, for long pipelines
 * where `Array.prototype.shift` would copy on every call.
 *
 * @internal
 */
export class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Number of items in the queue. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds an item at the tail. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The item at the head, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the item at the head. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** The items, head first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }

  /** Removes every item and returns them in order. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
