/**
 * How to start the fake agent: the argument vector to give tmux (or any
 * process launcher), from the built package or from the TypeScript sources.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../../errors.js';
import { parseFakeAgentScript, type FakeAgentScript } from './script.js';
import { describeValue } from '../../util/options.js';

/** Options of {@link fakeAgentCommand}. */
export interface FakeAgentOptions {
  /** The file the agent appends each submitted message to, one JSON line each (see `readFakeAgentLog`). */
  readonly log: string;
  /**
   * What the agent does: a script object (checked now), or the path of a JSON
   * file holding one. By default it works 200 ms on each message and replies `OK.`.
   */
  readonly script?: FakeAgentScript | string;
  /** Shown in the welcome banner. */
  readonly name?: string;
}

/**
 * The command that runs a fake agent: `[node, …, program, '--log', file, …]`.
 * Pass it as `command` to `TmuxClient.newSession` / `newWindow` /
 * `splitWindow`. Relative paths are made absolute, as the pane may start
 * elsewhere.
 *
 * @throws `InvalidOptionError` when `log` is missing or the script is wrong.
 * @example
 * const { paneId } = await client.newSession({
 *   command: fakeAgentCommand({ log: join(dir, 'agent.jsonl'), script: { workMs: 500 } }),
 *   width: 100,
 *   height: 30,
 * });
 */
export function fakeAgentCommand(options: FakeAgentOptions): string[] {
  if (typeof options.log !== 'string' || options.log === '') {
    throw new InvalidOptionError(`Expected \`log\` to be a file path, got ${describeValue(options.log)}`);
  }
  const argv = [process.execPath, ...programArgv(), '--log', resolve(options.log)];
  if (typeof options.script === 'string') argv.push('--script', resolve(options.script));
  else if (options.script !== undefined) {
    parseFakeAgentScript(options.script);
    argv.push('--script', JSON.stringify(options.script));
  }
  if (options.name !== undefined) argv.push('--name', options.name);
  return argv;
}

let program: readonly string[] | undefined;

/**
 * Node's arguments that run the program: the built `fake-agent.js` beside
 * this module (or in its `testing/` folder, when this code sits in a shared
 * chunk), or `program.ts` through tsx when running from the sources.
 */
function programArgv(): readonly string[] {
  if (program !== undefined) return program;
  const here = moduleFile();
  const directory = dirname(here);
  const candidates = [join(directory, 'fake-agent.js'), join(directory, 'testing', 'fake-agent.js'), join(directory, 'program.ts')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`The fake agent program is missing: none of ${candidates.join(', ')} exists`);
  if (!found.endsWith('.ts')) return (program = [found]);
  // From the sources: tsx (a development dependency) compiles the program as it loads.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return (program = ['--import', tsx, found]);
}

/**
 * This module's file: `__filename` in the CommonJS build; otherwise the file
 * of this function's own stack frame (`import.meta.url` would be simpler, but
 * a CommonJS build cannot contain it).
 */
function moduleFile(): string {
  if (typeof __filename === 'string') return __filename;
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, frames) => frames;
  try {
    const frames = new Error().stack as unknown as readonly NodeJS.CallSite[];
    const file = frames[0]?.getFileName() ?? '';
    return file.startsWith('file:') ? fileURLToPath(file) : file;
  } finally {
    Error.prepareStackTrace = prepare;
  }
}
