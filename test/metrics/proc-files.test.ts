import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcFiles } from '../../src/metrics/proc-files.js';

describe('readProcFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tmo-proc-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every file in order, more files than readers, with an empty text for one that is missing', async () => {
    const paths = Array.from({ length: 20 }, (_, i) => join(dir, `file-${i}`));
    await Promise.all(paths.map((path, i) => writeFile(path, `text ${i} é\n`)));
    paths.splice(7, 0, join(dir, 'missing'));
    const texts = await readProcFiles(paths);
    expect(texts[7]).toBe('');
    expect(texts.filter((_, i) => i !== 7)).toEqual(Array.from({ length: 20 }, (_, i) => `text ${i} é\n`));
  });

  it('reads /proc files, whose size reads as 0', async () => {
    const [stat, status] = await readProcFiles([`/proc/${process.pid}/stat`, `/proc/${process.pid}/status`]);
    expect(stat).toMatch(new RegExp(`^${process.pid} \\(`, 'u'));
    expect(status).toMatch(/^VmRSS:\s+\d+ kB$/mu);
  });

  it('cuts a file longer than 16 KiB there', async () => {
    const path = join(dir, 'long');
    await writeFile(path, 'x'.repeat(20_000));
    expect((await readProcFiles([path]))[0]).toHaveLength(16 * 1024);
  });

  it('returns nothing for no paths', async () => {
    expect(await readProcFiles([])).toEqual([]);
  });
});
