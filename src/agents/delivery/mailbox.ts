/**
 * Per-agent ordering of deliveries: one at a time to each agent, in the order
 * they were sent, while different agents are served at the same time.
 *
 * @module
 */
import PQueue from 'p-queue';
import { AbortedError } from '../../errors.js';

/** Options of {@link Mailbox.enqueue}. */
export interface EnqueueOptions {
  /**
   * Takes the task out of the queue (rejecting with `AbortedError`) if it has
   * not started. A started task gets the signal and decides itself.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs tasks in strict order per key (an agent), one at a time per key, any
 * number of keys at once. Everything that types into an agent's pane must go
 * through one mailbox for the order to hold.
 *
 * @example
 * const mailbox = new Mailbox();
 * const receipt = await mailbox.enqueue('eng-1', () => deliver(context, 'Run the tests'));
 */
export class Mailbox {
  readonly #queues = new Map<string, PQueue>();

  /**
   * Runs `task` after every task enqueued before it for `key` has settled,
   * and resolves or rejects as it does. A task that fails does not stop the
   * ones behind it.
   *
   * @throws `AbortedError` when `signal` fires before the task starts.
   */
  enqueue<T>(key: string, task: (signal?: AbortSignal) => Promise<T>, options: EnqueueOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(new AbortedError(signal.reason));
    const queue = this.#queueFor(key);
    if (signal === undefined) return queue.add(() => task());
    // p-queue rejects a running task's promise as soon as its signal fires, with
    // the task still running; so the queue gets a signal of its own, fired only
    // while the task waits.
    const dequeue = new AbortController();
    let started = false;
    const onAbort = (): void => {
      if (!started) dequeue.abort(new AbortedError(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return queue
      .add(
        () => {
          started = true;
          return task(signal);
        },
        { signal: dequeue.signal },
      )
      .finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Tasks for `key` not finished yet: the one running, if any, and those waiting. */
  pending(key: string): number {
    const queue = this.#queues.get(key);
    return queue === undefined ? 0 : queue.size + queue.pending;
  }

  /** Tasks not finished yet, over every key. */
  get totalPending(): number {
    return this.keys().reduce((total, key) => total + this.pending(key), 0);
  }

  /** Keys with tasks not finished yet. */
  keys(): string[] {
    return [...this.#queues.keys()].filter((key) => this.pending(key) > 0);
  }

  /**
   * Resolves once every task for `key` has settled, or, without a key, once
   * no key has tasks left (tasks enqueued meanwhile included).
   */
  async idle(key?: string): Promise<void> {
    if (key !== undefined) {
      await this.#queues.get(key)?.onIdle();
      return;
    }
    while (this.totalPending > 0) await Promise.all([...this.#queues.values()].map((queue) => queue.onIdle()));
  }

  #queueFor(key: string): PQueue {
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      const created = new PQueue({ concurrency: 1 });
      // A key's queue lives while it has work, so a fleet's churn leaves nothing behind.
      created.on('idle', () => {
        if (this.#queues.get(key) === created && created.size === 0 && created.pending === 0) this.#queues.delete(key);
      });
      this.#queues.set(key, created);
      queue = created;
    }
    return queue;
  }
}
