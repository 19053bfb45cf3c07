/**
 * The fake agent's message log: one JSON line per submitted message, written
 * before the screen changes, so whoever sees the agent react can read what
 * it received.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** One submitted message, as the fake agent received it. */
export interface FakeAgentLogEntry {
  /** 1 for the first message, then 2, 3… */
  readonly seq: number;
  /** When it was submitted (`Date.now()`). */
  readonly at: number;
  /** The exact text (a bracketed paste's CR and CRLF read as LF, as a terminal sends them). */
  readonly text: string;
}

/** Appends entries to a log file, synchronously. */
export class MessageLog {
  readonly #fd: number;

  /** Opens (creating it if needed) the log for appending. */
  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  /** Writes one entry as one line, before returning. */
  append(entry: FakeAgentLogEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    for (let written = 0; written < line.length; ) written += writeSync(this.#fd, line, written);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * The messages a fake agent has logged so far, oldest first; none when the
 * file does not exist yet.
 *
 * @example
 * await retryUntil(async () => (await readFakeAgentLog(logFile)).length === 3);
 */
export async function readFakeAgentLog(path: string): Promise<FakeAgentLogEntry[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // A line still being written has no newline yet: leave it for the next read.
  return content
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as FakeAgentLogEntry);
}
