import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { ScheduleStoreError } from '../../src/scheduler/errors.js';
import { HEADER, putLine } from '../../src/scheduler/file-log.js';
import { FileScheduleStore } from '../../src/scheduler/file-store.js';
import type { ScheduledJob } from '../../src/scheduler/job.js';
import type { ScheduleChange } from '../../src/scheduler/store.js';
import { storedJob } from './support/jobs.js';

let directory: string;
let count = 0;
const freshPath = (): string => join(directory, `store-${count++}`, 'schedule.jsonl');

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tmo-file-store-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function reload(path: string): Promise<ScheduledJob[]> {
  const store = new FileScheduleStore({ path });
  try {
    return [...(await store.load())].sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    await store.close();
  }
}

async function withJobs(path: string, jobs: readonly ScheduledJob[]): Promise<void> {
  const store = new FileScheduleStore({ path });
  await store.load();
  await store.write(jobs.map((job) => ({ type: 'put', job })));
  await store.close();
}

describe('FileScheduleStore', () => {
  it('checks its options', () => {
    expect(() => new FileScheduleStore({ path: '' })).toThrow(InvalidOptionError);
    expect(() => new FileScheduleStore({ path: 'x', compactAfter: 0 })).toThrow(InvalidOptionError);
  });

  it('makes the directory and a file that starts with the header, synced', async () => {
    const path = freshPath();
    const store = new FileScheduleStore({ path });
    expect(await store.load()).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(HEADER);
    expect(store.stats.syncs).toBe(1);
    await store.write([{ type: 'put', job: storedJob({ id: 'a' }) }]);
    expect(store.stats).toMatchObject({ writes: 1, syncs: 2, lines: 1, jobs: 1 });
    await store.close();
    await expect(store.write([{ type: 'delete', id: 'a' }])).rejects.toBeInstanceOf(ScheduleStoreError);
  });

  it('with lazy, makes and locks no file until the first write, then behaves as usual', async () => {
    const path = freshPath();
    const first = new FileScheduleStore({ path, lazy: true });
    const second = new FileScheduleStore({ path, lazy: true });
    try {
      expect(await first.load()).toEqual([]);
      expect(await second.load()).toEqual([]);
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
      const job = storedJob({ id: 'lazy-1' });
      await first.write([{ type: 'put', job }]);
      // The first to write holds the file now; the other cannot write to it.
      await expect(second.write([{ type: 'put', job: storedJob({ id: 'lazy-2' }) }])).rejects.toBeInstanceOf(ScheduleStoreError);
      await first.close();
      expect(await reload(path)).toEqual([job]);
    } finally {
      await first.close();
      await second.close();
    }
    // A lazy store that finds the file loads it at once, as usual.
    const again = new FileScheduleStore({ path, lazy: true });
    try {
      expect((await again.load()).length).toBe(1);
      await expect(reload(path)).rejects.toBeInstanceOf(ScheduleStoreError);
    } finally {
      await again.close();
    }
    expect(() => new FileScheduleStore({ path, lazy: 'yes' as unknown as boolean })).toThrow(InvalidOptionError);
  });

  it('drops a torn last line (a crash mid-append), cuts it off, and appends cleanly after', async () => {
    const path = freshPath();
    const a = storedJob({ id: 'a' });
    const b = storedJob({ id: 'b' });
    await withJobs(path, [a]);
    const whole = (await stat(path)).size;
    const line = putLine(b);
    // A prefix of the line (even a complete JSON object missing only its newline) was never acknowledged.
    for (const torn of [line.slice(0, 20), line.slice(0, -1)]) {
      await appendFile(path, torn);
      expect(await reload(path)).toEqual([a]);
      expect((await stat(path)).size).toBe(whole);
    }
    const store = new FileScheduleStore({ path });
    await store.load();
    await store.write([{ type: 'put', job: b }]);
    await store.close();
    expect(await reload(path)).toEqual([a, b]);
  });

  it('treats a torn header (a crash while creating the file) as an empty store', async () => {
    const path = freshPath();
    await withJobs(path, []);
    await writeFile(path, HEADER.slice(0, 10));
    expect(await reload(path)).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(HEADER);
  });

  it('refuses a file with a corrupt line in the middle, or that is not a store file', async () => {
    const path = freshPath();
    await withJobs(path, [storedJob({ id: 'a' })]);
    await appendFile(path, `{"put":{"id":"b"\n${putLine(storedJob({ id: 'c' }))}`);
    await expect(reload(path)).rejects.toThrow(/corrupt: line 3/u);
    const other = freshPath();
    await withJobs(other, []);
    await writeFile(other, 'hello\n');
    await expect(reload(other)).rejects.toBeInstanceOf(ScheduleStoreError);
    await writeFile(other, `${HEADER}{"put":{"id":"x","dueAt":"soon"}}\n`);
    await expect(reload(other)).rejects.toThrow(/stored job "x" is malformed/u);
  });

  it('removes what a crash mid-compaction left behind', async () => {
    const path = freshPath();
    const a = storedJob({ id: 'a' });
    await withJobs(path, [a]);
    await writeFile(`${path}.compact`, `${HEADER}{"put":`);
    expect(await reload(path)).toEqual([a]);
    await expect(stat(`${path}.compact`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('records a progress-only change (claim, run end) with a short line, and reads it back', async () => {
    const path = freshPath();
    const store = new FileScheduleStore({ path });
    await store.load();
    const job = storedJob({ id: 'j', trigger: { type: 'every', intervalMs: 1_000 } });
    const claimed: ScheduledJob = { ...job, dueAt: (job.dueAt as number) + 1_000, running: [job.dueAt as number], runs: 1 };
    const ended: ScheduledJob = { ...claimed, running: [] };
    await store.write([{ type: 'put', job }, { type: 'put', job: claimed }]);
    await store.write([{ type: 'put', job: ended }]);
    await store.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[2]).toBe(`{"set":"j","dueAt":${claimed.dueAt},"running":[${job.dueAt}],"runs":1}`);
    expect(lines[3]).toBe(`{"set":"j","dueAt":${claimed.dueAt},"running":[],"runs":1}`);
    expect(await reload(path)).toEqual([ended]);
    // A progress line for a job the file does not hold is corruption.
    await appendFile(path, '{"set":"ghost","dueAt":null,"running":[],"runs":1}\n');
    await expect(reload(path)).rejects.toThrow(/updates job "ghost", which is not stored/u);
  });

  it('compacts in the background while writes go on, and keeps exactly the latest records', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    type Op = { kind: 'put' | 'progress' | 'delete'; id: string; runs: number };
    const op = fc.record({ kind: fc.constantFrom<Op['kind']>('put', 'progress', 'progress', 'delete'), id: fc.constantFrom(...ids), runs: fc.nat(1000) });
    let compactedRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 40 }), async (opBatches) => {
        const path = freshPath();
        const errors: ScheduleStoreError[] = [];
        const store = new FileScheduleStore({ path, compactAfter: 3, onError: (error) => errors.push(error) });
        await store.load();
        const model = new Map<string, ScheduledJob>();
        const batches = opBatches.map((ops) =>
          ops.map(({ kind, id, runs }): ScheduleChange => {
            const current = model.get(id);
            if (kind === 'delete') {
              model.delete(id);
              return { type: 'delete', id };
            }
            // Progress changes share the record's target and trigger, as the scheduler's do.
            const job = kind === 'progress' && current !== undefined ? { ...current, runs, running: [runs] } : storedJob({ id, runs });
            model.set(id, job);
            return { type: 'put', job };
          }),
        );
        // Queued at once: the store runs them one after another, compactions in between.
        await Promise.all(batches.map((batch) => store.write(batch)));
        await store.close();
        const compactions = store.stats.compactions;
        expect(errors).toEqual([]);
        expect(await reload(path)).toEqual([...model.values()].sort((x, y) => x.id.localeCompare(y.id)));
        const lines = (await readFile(path, 'utf8')).split('\n').length - 2;
        if (compactions > 0) {
          compactedRuns++;
          expect(lines).toBeLessThan(batches.flat().length);
        }
      }),
      { numRuns: 40 },
    );
    expect(compactedRuns).toBeGreaterThan(0);
  });

  it('fsyncs once per write, however many changes it holds', async () => {
    const path = freshPath();
    const store = new FileScheduleStore({ path });
    await store.load();
    const before = store.stats.syncs;
    await store.write(Array.from({ length: 5_000 }, (_, i) => ({ type: 'put' as const, job: storedJob({ id: `j${i}` }) })));
    expect(store.stats.syncs - before).toBe(1);
    await store.close();
    expect((await reload(path)).length).toBe(5_000);
  });

  it('is used by one store at a time: a live holder is refused, a dead one taken over', async () => {
    const path = freshPath();
    const first = new FileScheduleStore({ path });
    await first.load();
    await expect(new FileScheduleStore({ path }).load()).rejects.toThrow(/held by another store in this process/u);
    await first.close();

    // A live process holds it.
    await writeFile(`${path}.lock`, `${process.ppid} \n`);
    await expect(new FileScheduleStore({ path }).load()).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`, 'u'));
    // A process that has exited held it.
    const exited = spawnSync('true').pid as number;
    await writeFile(`${path}.lock`, `${exited} 123\n`);
    const taker = new FileScheduleStore({ path });
    await taker.load();
    expect(await readFile(`${path}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`, 'u'));
    await taker.close();
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
