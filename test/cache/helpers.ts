import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS, type CacheMessage } from '../../src/diagnostics.js';

/** A promise settled from outside. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A clock tests move by hand. */
export class ManualClock {
  #now = 1_000;
  now = (): number => this.#now;
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Collects the cache channel's messages until the returned `stop` is called. */
export function recordCacheMessages(): { readonly messages: CacheMessage[]; stop(): void } {
  const messages: CacheMessage[] = [];
  const listener = (message: unknown): void => {
    messages.push(message as CacheMessage);
  };
  subscribe(DIAGNOSTICS_CHANNELS.cache, listener);
  return { messages, stop: () => unsubscribe(DIAGNOSTICS_CHANNELS.cache, listener) };
}
