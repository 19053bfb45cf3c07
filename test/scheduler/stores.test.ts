import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { FileScheduleStore } from '../../src/scheduler/file-store.js';
import { MemoryScheduleStore } from '../../src/scheduler/memory-store.js';
import { storeConformance } from './support/store-conformance.js';

let directory: string;
let files = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tmo-stores-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('MemoryScheduleStore', () => {
  storeConformance({
    open: async () => new MemoryScheduleStore(),
    reopen: async (store) => {
      await store.close();
      return store;
    },
  });
});

describe('FileScheduleStore', () => {
  storeConformance({
    open: async () => new FileScheduleStore({ path: join(directory, `conformance-${files++}`, 'schedule.jsonl') }),
    reopen: async (store) => {
      await store.close();
      return new FileScheduleStore({ path: (store as FileScheduleStore).path });
    },
  });
});
