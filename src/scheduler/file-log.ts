/**
 * The file store's format: JSON lines. A header, then one line per change:
 * `{"put":JOB}` (the whole record), `{"set":"ID","dueAt":…,"running":[…],"runs":…}`
 * (a job's progress: the fields a claim or a run's end change, for a job
 * stored above it in the file), or `{"del":"ID"}`. The last line for an id wins. A line is
 * only complete with its newline: a crash mid-append leaves at most one
 * partial line, at the end, which loading drops.
 *
 * @internal
 * @module
 */
import { ScheduleStoreError } from './errors.js';
import type { ScheduledJob } from './job.js';

/** The first line of every store file. */
export const HEADER = '{"tmux-orchestrator-schedule":1}\n';

/** The line that stores a job. */
export function putLine(job: ScheduledJob): string {
  return `{"put":${JSON.stringify(job)}}\n`;
}

/**
 * The short line for a change to a job's progress only (`dueAt`, `running`,
 * `runs`): what claims and run ends write, far cheaper than the whole record.
 */
export function setLine(job: ScheduledJob): string {
  return `{"set":${JSON.stringify(job.id)},"dueAt":${job.dueAt},"running":[${job.running.join(',')}],"runs":${job.runs}}\n`;
}

/** `true` when `next` differs from `previous` in progress fields only, so a {@link setLine} records it. */
export function progressOnly(previous: ScheduledJob, next: ScheduledJob): boolean {
  return (
    previous.target === next.target &&
    previous.trigger === next.trigger &&
    previous.jitterMs === next.jitterMs &&
    previous.overlap === next.overlap &&
    previous.createdAt === next.createdAt
  );
}

/** The line that removes a job. */
export function deleteLine(id: string): string {
  return `{"del":${JSON.stringify(id)}}\n`;
}

/** A store file, read. */
export interface ParsedLog {
  /** Each live job's record, by id, as stored (not checked yet). */
  readonly jobs: Map<string, unknown>;
  /** Change lines kept (the header not counted). */
  readonly lines: number;
  /** Bytes of the file that hold complete lines; what follows is a torn append. */
  readonly validBytes: number;
  /** `true` when the file ends with a partial line (to be cut off). */
  readonly torn: boolean;
}

/**
 * Reads a store file's content.
 *
 * @throws {@link ScheduleStoreError} when a complete line is not a change
 *   (the file is corrupt, or not a store file).
 */
export function parseLog(content: string, file: string): ParsedLog {
  const jobs = new Map<string, unknown>();
  const end = content.lastIndexOf('\n') + 1;
  let lines = 0;
  let start = 0;
  let lineNumber = 0;
  while (start < end) {
    const stop = content.indexOf('\n', start) + 1;
    const line = content.slice(start, stop);
    start = stop;
    lineNumber++;
    if (lineNumber === 1) {
      if (line !== HEADER) throw new ScheduleStoreError(`${file} is not a schedule store file (its first line is ${JSON.stringify(line.slice(0, 80))})`);
      continue;
    }
    const change = parseChange(line);
    if (change === undefined) throw new ScheduleStoreError(`${file} is corrupt: line ${lineNumber} is not a change: ${JSON.stringify(line.slice(0, 80))}`);
    lines++;
    if ('del' in change) jobs.delete(change.del);
    else if ('put' in change) jobs.set(change.id, change.put);
    else {
      const previous = jobs.get(change.set);
      if (previous === undefined) throw new ScheduleStoreError(`${file} is corrupt: line ${lineNumber} updates job ${JSON.stringify(change.set)}, which is not stored`);
      jobs.set(change.set, { ...(previous as object), dueAt: change.dueAt, running: change.running, runs: change.runs });
    }
  }
  const torn = end < content.length;
  return { jobs, lines, validBytes: Buffer.byteLength(content.slice(0, end)), torn };
}

type Change = { del: string } | { id: string; put: unknown } | { set: string; dueAt: unknown; running: unknown; runs: unknown };

function parseChange(line: string): Change | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as { del?: unknown; put?: { id?: unknown } | null; set?: unknown; dueAt?: unknown; running?: unknown; runs?: unknown };
  if (typeof record.del === 'string') return { del: record.del };
  if (typeof record.set === 'string') return { set: record.set, dueAt: record.dueAt, running: record.running, runs: record.runs };
  const id = typeof record.put === 'object' && record.put !== null ? record.put.id : undefined;
  return typeof id === 'string' ? { id, put: record.put } : undefined;
}
