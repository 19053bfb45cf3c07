/**
 * The default store: one append-only JSON-lines file, fsynced per batch and
 * compacted in the background (snapshot to a temporary file, fsync, rename,
 * fsync of the directory), so a crash at any point loses no acknowledged change.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { describeValue, integerAtLeast } from '../util/options.js';
import { ScheduleStoreError } from './errors.js';
import { deleteLine, HEADER, parseLog, progressOnly, putLine, setLine } from './file-log.js';
import { parseStoredJob, type ScheduledJob } from './job.js';
import { acquireLock } from './lock.js';
import type { ScheduleChange, ScheduleStore } from './store.js';

/** Options of {@link FileScheduleStore}. */
export interface FileScheduleStoreOptions {
  /** The store file (JSON lines); its directory is made if missing. A lock file `<path>.lock` sits beside it. */
  readonly path: string;
  /**
   * Rewrite the file once it holds at least this many superseded lines, and
   * eight times as many as live jobs (so rewriting costs little next to appending).
   * @default 10000
   */
  readonly compactAfter?: number;
  /** Called when a background compaction fails (the file is left as it was, and stays correct). */
  readonly onError?: (error: ScheduleStoreError) => void;
  /**
   * When the file does not exist at `load()`, make it (and take its lock)
   * only at the first `write()`: a process that never schedules anything
   * leaves no file and holds no lock, so several can share a default path
   * until one of them schedules a job.
   * @default false
   */
  readonly lazy?: boolean;
}

/** What a {@link FileScheduleStore} has done. */
export interface FileScheduleStoreStats {
  /** Batches appended. */
  readonly writes: number;
  /** `fdatasync`/`fsync` calls made for them and for compactions. */
  readonly syncs: number;
  /** Compactions finished. */
  readonly compactions: number;
  /** Change lines in the file now. */
  readonly lines: number;
  /** Live jobs. */
  readonly jobs: number;
}

/** Compact once superseded lines outnumber live jobs this many times over: each rewrite is paid for by that many cheap appends. */
const COMPACT_RATIO = 8;

/** Lines per write call, for large batches and compaction. */
const CHUNK_LINES = 500;

/**
 * Keeps jobs in one JSON-lines file. Each `write()` is one append and one
 * `fdatasync`; a crash can tear only the last, unacknowledged append, which the
 * next `load()` cuts off. Only one store (in any process) may use a file at a time.
 *
 * @example
 * const scheduler = new Scheduler({ store: new FileScheduleStore({ path: '/var/lib/agents/schedule.jsonl' }) });
 */
export class FileScheduleStore implements ScheduleStore {
  /** The store file's absolute path. */
  readonly path: string;
  readonly #compactAfter: number;
  readonly #onError: ((error: ScheduleStoreError) => void) | undefined;
  readonly #lazy: boolean;
  /** Set by a lazy `load()` that found no file: the first `write()` opens it. */
  #deferred = false;
  /** Each live job's record (the scheduler's own objects: no copy), for compaction. */
  readonly #live = new Map<string, ScheduledJob>();
  #handle: FileHandle | undefined;
  #unlock: (() => Promise<void>) | undefined;
  #lines = 0;
  #writes = 0;
  #syncs = 0;
  #compactions = 0;
  /** The appends made while a compaction copies its snapshot, to replay into the new file. */
  #since: string[] | undefined;
  #sinceLines = 0;
  #compaction: Promise<void> | undefined;
  /** Set once an append or sync failed: the file's tail is unknown, so nothing more is written. */
  #broken: Error | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;

  constructor(options: FileScheduleStoreOptions) {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new InvalidOptionError(`Expected \`path\` to be a file path, got ${describeValue(options?.path)}`);
    }
    this.path = resolve(options.path);
    this.#compactAfter = integerAtLeast('compactAfter', options.compactAfter, 10_000, 1);
    this.#onError = options.onError;
    this.#lazy = options.lazy ?? false;
    if (typeof this.#lazy !== 'boolean') throw new InvalidOptionError(`Expected \`lazy\` to be a boolean, got ${describeValue(this.#lazy)}`);
  }

  /** What the store has done so far. */
  get stats(): FileScheduleStoreStats {
    return { writes: this.#writes, syncs: this.#syncs, compactions: this.#compactions, lines: this.#lines, jobs: this.#live.size };
  }

  /**
   * Locks the file, reads it (cutting off a torn last line), and returns its jobs.
   *
   * @throws {@link ScheduleStoreError} when the file is locked by a live process, corrupt, or unreadable.
   */
  async load(): Promise<ScheduledJob[]> {
    if (this.#unlock !== undefined || this.#deferred || this.#closing !== undefined) throw new ScheduleStoreError(`${this.path} is already loaded`);
    if (this.#lazy && !existsSync(this.path)) {
      this.#deferred = true;
      return [];
    }
    try {
      return await this.#open();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Locks the file, reads it and opens it for appending. */
  async #open(): Promise<ScheduledJob[]> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      this.#unlock = await acquireLock(`${this.path}.lock`);
      await rm(`${this.path}.compact`, { force: true });
      const content = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      const log = parseLog(content ?? '', this.path);
      this.#handle = await open(this.path, 'a');
      if (log.validBytes === 0) {
        await this.#handle.truncate(0);
        await writeAll(this.#handle, HEADER);
        await this.#sync(this.#handle);
        if (content === undefined) await syncDirectory(dirname(this.path));
      } else if (log.torn) {
        await this.#handle.truncate(log.validBytes);
        await this.#sync(this.#handle);
      }
      this.#lines = log.lines;
      for (const [id, job] of log.jobs) this.#live.set(id, parseStoredJob(job));
      return [...this.#live.values()];
    } catch (error) {
      // Let go of what was taken, so a later attempt (a lazy store's next write) can start afresh.
      await this.#handle?.close();
      this.#handle = undefined;
      await this.#unlock?.();
      this.#unlock = undefined;
      throw error instanceof ScheduleStoreError ? error : new ScheduleStoreError(`cannot load ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Appends the changes as one write and `fdatasync`s it.
   *
   * @throws {@link ScheduleStoreError} when the store is not loaded, closed, or the disk failed
   *   (after which every later write fails too).
   */
  write(changes: readonly ScheduleChange[]): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#deferred && this.#closing === undefined) {
        await this.#open();
        this.#deferred = false;
      }
      const handle = this.#handle;
      if (handle === undefined || this.#closing !== undefined) throw new ScheduleStoreError(`${this.path} is not open`);
      if (this.#broken !== undefined) throw new ScheduleStoreError(`${this.path} failed earlier: ${this.#broken.message}`, { cause: this.#broken });
      this.#lines += changes.length;
      try {
        // A large batch goes out in chunks: no giant string, and timers get their turn in between.
        for (let i = 0; i < changes.length; i += CHUNK_LINES) {
          const text = this.#serialize(changes, i, Math.min(i + CHUNK_LINES, changes.length));
          if (this.#since !== undefined) this.#since.push(text);
          await writeAll(handle, text);
        }
        if (this.#since !== undefined) this.#sinceLines += changes.length;
        await this.#sync(handle);
      } catch (error) {
        this.#broken = error as Error;
        throw new ScheduleStoreError(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error });
      }
      this.#writes++;
      const superseded = this.#lines - this.#live.size;
      if (this.#compaction === undefined && superseded >= this.#compactAfter && superseded > COMPACT_RATIO * this.#live.size) {
        this.#compaction = this.#compact().finally(() => (this.#compaction = undefined));
      }
    });
  }

  /** Waits for a compaction under way, closes the file and releases the lock. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#compaction;
      await this.#exclusive(async () => {
        await this.#handle?.close();
        this.#handle = undefined;
      });
      await this.#unlock?.();
    })();
    return this.#closing;
  }

  /**
   * Writes the live lines to `<path>.compact` while appends go on, then (between
   * two appends) adds the appends made meanwhile and renames it over the file.
   */
  async #compact(): Promise<void> {
    const snapshot = [...this.#live.values()];
    this.#since = [];
    this.#sinceLines = 0;
    const temporary = `${this.path}.compact`;
    let handle: FileHandle | undefined;
    try {
      handle = await open(temporary, 'w');
      await writeAll(handle, HEADER);
      // Chunk by chunk, so appends (and the timer) get their turn in between.
      for (let i = 0; i < snapshot.length; i += CHUNK_LINES) await writeAll(handle, snapshot.slice(i, i + CHUNK_LINES).map(putLine).join(''));
      await this.#sync(handle);
      const compacted = handle;
      await this.#exclusive(async () => {
        await writeAll(compacted, (this.#since as string[]).join(''));
        await this.#sync(compacted);
        await rename(temporary, this.path);
        // From here the file is the compacted one, whatever happens next.
        handle = undefined;
        const previous = this.#handle;
        this.#handle = compacted;
        this.#lines = snapshot.length + this.#sinceLines;
        this.#since = undefined;
        await previous?.close();
        await syncDirectory(dirname(this.path));
        this.#syncs++;
        this.#compactions++;
      });
    } catch (error) {
      this.#since = undefined;
      if (handle !== undefined) {
        await handle.close().catch(() => undefined);
        await rm(temporary, { force: true }).catch(() => undefined);
      }
      this.#onError?.(new ScheduleStoreError(`compacting ${this.path} failed: ${(error as Error).message}`, { cause: error }));
    }
  }

  /** The lines of `changes[start…end)`, applied to the live jobs as it goes (a progress-only change gets a short line). */
  #serialize(changes: readonly ScheduleChange[], start: number, end: number): string {
    let text = '';
    for (let i = start; i < end; i++) {
      const change = changes[i] as ScheduleChange;
      if (change.type === 'delete') {
        this.#live.delete(change.id);
        text += deleteLine(change.id);
        continue;
      }
      const previous = this.#live.get(change.job.id);
      this.#live.set(change.job.id, change.job);
      text += previous !== undefined && progressOnly(previous, change.job) ? setLine(change.job) : putLine(change.job);
    }
    return text;
  }

  async #sync(handle: FileHandle): Promise<void> {
    await handle.datasync();
    this.#syncs++;
  }

  /** Runs `task` after every task queued before it (appends and the end of a compaction never interleave). */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const buffer = Buffer.from(text);
  for (let offset = 0; offset < buffer.length; ) offset += (await handle.write(buffer, offset)).bytesWritten;
}

/** Makes a file's creation or renaming in `directory` durable. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
