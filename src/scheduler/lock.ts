/**
 * One process per store file: a lock file holding the owner's pid and start
 * time. A lock whose process is gone (killed, or the machine rebooted and the
 * pid was reused) is taken over.
 *
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { ScheduleStoreError } from './errors.js';

/** Store files locked by this process, so a second store on the same file is refused too. */
const held = new Set<string>();

/**
 * Takes the lock at `path`; returns the function that releases it.
 *
 * @throws {@link ScheduleStoreError} when a live process (this one included) holds it.
 */
export async function acquireLock(path: string): Promise<() => Promise<void>> {
  if (held.has(path)) throw new ScheduleStoreError(`${path} is held by another store in this process`);
  const owner = `${process.pid} ${procStat(process.pid)?.start ?? ''}\n`;
  held.add(path);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(path, owner, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const holder = (await readFile(path, 'utf8').catch(() => '')).trim();
      if (isAlive(holder)) throw new ScheduleStoreError(`the schedule store is in use by process ${holder.split(' ')[0] ?? '?'} (lock file ${path})`);
      await unlink(path).catch(() => undefined);
    }
  } catch (error) {
    held.delete(path);
    throw error instanceof ScheduleStoreError ? error : new ScheduleStoreError(`cannot lock ${path}: ${(error as Error).message}`, { cause: error });
  }
  return async () => {
    held.delete(path);
    if ((await readFile(path, 'utf8').catch(() => '')) === owner) await unlink(path).catch(() => undefined);
  };
}

/** `true` when the lock content `pid start` names a process still running (the same one, not a reused pid). */
function isAlive(holder: string): boolean {
  const [pidText, start] = holder.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = procStat(pid);
  if (now === undefined) return true; // no /proc: the signal check stands
  // A killed process its parent has not reaped yet is a zombie: gone for our purposes.
  return now.state !== 'Z' && (start === undefined || start === '' || now.start === start);
}

/** The process's state and start time from /proc (Linux), to tell a reused pid apart; `undefined` elsewhere. */
function procStat(pid: number): { readonly state: string; readonly start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, start time field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}
