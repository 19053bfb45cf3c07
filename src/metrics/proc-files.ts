/**
 * Reading many small `/proc` files without a burst of memory.
 *
 * `/proc` files report a size of 0, so `fs.readFile` reads each into a
 * fresh 64 KiB buffer: a thousand processes sampled every few seconds meant
 * tens of MB of native allocations per sample, which the allocator kept, so
 * the process's resident memory crept up sample after sample. Here a few
 * reads run at a time, each into a small buffer it reuses.
 *
 * @module
 */
import { open } from 'node:fs/promises';

/** Reads in flight at once. */
const CONCURRENCY = 8;
/** Room for one file: `/proc/<pid>/stat` and `/proc/<pid>/status` are far smaller. */
const FILE_BYTES = 16 * 1024;

/**
 * The text of each file, in order; `''` for a file that could not be read
 * (a process gone meanwhile). A file longer than 16 KiB is cut there.
 *
 * @internal
 * @example
 * const [stat, status] = await readProcFiles([`/proc/${pid}/stat`, `/proc/${pid}/status`]);
 */
export async function readProcFiles(paths: readonly string[]): Promise<string[]> {
  const texts = new Array<string>(paths.length).fill('');
  let next = 0;
  const reader = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(FILE_BYTES);
    for (let i = next++; i < paths.length; i = next++) texts[i] = await readInto(paths[i] as string, buffer);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, reader));
  return texts;
}

async function readInto(path: string, buffer: Buffer): Promise<string> {
  let length = 0;
  try {
    const file = await open(path, 'r');
    try {
      for (;;) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
        length += bytesRead;
        if (bytesRead === 0 || length === buffer.length) break;
      }
    } finally {
      await file.close();
    }
  } catch {
    return '';
  }
  return buffer.toString('utf8', 0, length);
}
