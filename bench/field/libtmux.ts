/**
 * Method (c), libtmux (Python): `libtmux_cycle.py` beside this file walks
 * every server's sessions, windows and panes and captures each pane, the
 * way libtmux users do, and reports its own cycle times.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tmuxEnvironment } from '../../src/tmux/server.js';
import { repositoryRoot } from '../bundled.js';
import { HISTORY_LINES } from '../fleet.js';
import { verifyCaptures, type Captures, type Method } from './method.js';

const run = promisify(execFile);
const SCRIPT = join(repositoryRoot(), 'bench', 'field', 'libtmux_cycle.py');
/** `python3` first; Debian's `python3-libtmux` installs for the system's own Python. */
const PYTHONS = ['python3', '/usr/bin/python3'];

interface ScriptOutput {
  readonly libtmux: string;
  readonly cycles_ms: number[];
  readonly captures: Record<string, string[]>;
}

/** A Python that imports libtmux, with its libtmux version; or why there is none. */
export type LibtmuxProbe = { readonly python: string; readonly version: string } | { readonly missing: string };

let probed: Promise<LibtmuxProbe> | undefined;

/** Finds a Python with libtmux (once). */
export function probeLibtmux(): Promise<LibtmuxProbe> {
  probed ??= (async () => {
    const reasons: string[] = [];
    for (const python of PYTHONS) {
      try {
        const { stdout } = await run(python, ['-c', 'import libtmux; print(libtmux.__version__)']);
        return { python, version: stdout.trim() };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reasons.push(code === 'ENOENT' ? `${python}: not found` : `${python}: no libtmux module`);
      }
    }
    return { missing: `${reasons.join('; ')} (on Debian: apt-get install python3-libtmux)` };
  })();
  return probed;
}

/** Method (c): libtmux's full cycle, run in one Python process for all cycles; the first one's captures are checked. */
export const libtmuxMethod: Method = async (fleet, options) => {
  const probe = await probeLibtmux();
  if ('missing' in probe) throw new Error(`libtmux is not available: ${probe.missing}`);
  const args = ['--cycles', String(options.cycles), '--warmup', String(options.warmup ?? 0), '--history', String(HISTORY_LINES)];
  if (options.budgetMs !== undefined) args.push('--budget-ms', String(options.budgetMs), '--min-cycles', String(options.minCycles ?? 1));
  const sockets = fleet.servers.map((server) => server.socketPath);
  const { stdout } = await run(probe.python, [SCRIPT, ...args, ...sockets], {
    // libtmux runs tmux without `-u`: a UTF-8 locale keeps the screens' box drawing.
    env: { ...tmuxEnvironment(), LC_ALL: 'C.UTF-8' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = JSON.parse(stdout) as ScriptOutput;
  verifyCaptures('libtmux (c)', fleet, new Map(Object.entries(output.captures)) satisfies Captures);
  return output.cycles_ms;
};
