/**
 * The demo's command line.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { SCRIPTED_AGENTS } from './fleet.js';

/** The fewest agents: the scripted ones every scenario needs. */
export const MIN_AGENTS = SCRIPTED_AGENTS.filter((agent) => agent.required).length;
/** The most agents (each light agent takes a few MB; a Node one about 45 MB). */
export const MAX_AGENTS = 300;
/** Agents by default. */
export const DEFAULT_AGENTS = 50;

/** What the command line asks for. */
export interface DemoArgs {
  /** How many agents to run. */
  readonly agents: number;
  /** Wait for a terminal to attach before the scenarios, and keep running after them until Ctrl-C. */
  readonly attach: boolean;
  /** Print the usage and exit. */
  readonly help: boolean;
}

/** The usage text. */
export const USAGE = `Usage: npm run demo -- [--agents N] [--attach] [--help]

Runs a fleet of fake agents on a private tmux server (a socket in a temporary
directory; nothing to configure, no network) and shows it live while it
delivers messages, fires a scheduled check-in, answers an approval prompt and
recovers a crashed agent; then prints metrics and removes everything it started.
It exits with status 1 when a scenario fails.

  --agents N   agents to run, ${MIN_AGENTS} to ${MAX_AGENTS} (default ${DEFAULT_AGENTS}): up to ${SCRIPTED_AGENTS.length} scripted
               Node agents, the rest light bash agents (idle or working)
  --attach     print the command that attaches tmux to the demo's server, wait
               for you to attach (from another terminal), run the scenarios,
               then keep the fleet running until Ctrl-C
  --help       show this text
`;

/** A command line the demo cannot run with. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads the demo's arguments.
 *
 * @throws {@link UsageError} for an unknown option or an agent count out of range.
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: { agents?: string; attach?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { agents: { type: 'string' }, attach: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = values.agents ?? String(DEFAULT_AGENTS);
  const agents = /^\d+$/u.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(agents) || agents < MIN_AGENTS || agents > MAX_AGENTS) {
    throw new UsageError(`Expected \`--agents\` to be an integer from ${MIN_AGENTS} to ${MAX_AGENTS}, got \`${text}\``);
  }
  return { agents, attach: values.attach ?? false, help: values.help ?? false };
}
