/**
 * Starting agents and adopting panes: creating the pane, recording the agent
 * in tmux as pane user options, and starting its command.
 *
 * @module
 */
import { InvalidArgumentError, TmuxCommandError } from '../errors.js';
import type { TmuxClient } from '../tmux/client.js';
import type { TmuxServerOptions } from '../tmux/server.js';
import type { Detector } from './detectors/detector.js';
import type { AgentKind } from './strategy-kinds.js';
import { AGENT_OPTIONS, parseRecordedCommand, validateAgentName } from './record.js';
import { listAgentPanes } from './discover.js';

/** Options of `Orchestrator.spawn`. */
export interface SpawnAgentOptions {
  /** The agent's name, unique in the fleet: any printable text. */
  readonly name: string;
  /** Its kind: a registered detector, e.g. `claude-code`, `codex`, `shell`. */
  readonly kind: AgentKind;
  /** The program and its arguments, run directly (no shell reads them), e.g. `['claude']`. */
  readonly command: readonly string[];
  /** Working directory. */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The tmux session to put the agent's window in; made if missing. Session
   * names may not hold `:`, `.`, `$` or backslashes.
   * @default 'agents'
   */
  readonly session?: string;
  /**
   * The window's name.
   * @default the agent's name
   */
  readonly window?: string;
  /**
   * The server to run it on: one of the orchestrator's servers.
   * @default the one the orchestrator's placement strategy picks
   */
  readonly server?: TmuxServerOptions;
}

/** Options of `Orchestrator.adopt`. */
export interface AdoptOptions {
  /** The agent's kind: a registered detector. */
  readonly kind: AgentKind;
  /**
   * The agent's name.
   * @default the pane's `session:window`
   */
  readonly name?: string;
  /** The server the pane is on. @default the orchestrator's first server */
  readonly server?: TmuxServerOptions;
}

/** What identifies an agent in the fleet. */
export interface AgentRecord {
  /** The agent's name. */
  readonly name: string;
  /** Its kind (detector name). */
  readonly kind: string;
  /** The command it was started with (`[]` when adopted). */
  readonly command: readonly string[];
  /** Its pane, `%N`. */
  readonly paneId: string;
  /** The working directory it was started in, `''` when not given. */
  readonly cwd: string;
}

/**
 * The session agents go to when `session` is not given.
 *
 * @example
 * await orc.spawn({ name: 'eng-1', kind: 'shell', command: ['bash'] }); // a window `eng-1` in session `agents`
 * await orc.spawn({ name: 'qa-1', kind: 'shell', command: ['bash'], session: 'qa' }); // elsewhere
 */
export const DEFAULT_AGENT_SESSION = 'agents';

/**
 * Creates the agent's pane running a placeholder, records the agent and
 * turns `remain-on-exit` on, then starts the real command in the same pane,
 * so that even an agent that dies at once is seen as a dead pane.
 */
export async function spawnAgent(client: TmuxClient, options: SpawnAgentOptions, detector: Detector): Promise<AgentRecord> {
  validateAgentName(options.name);
  if (!Array.isArray(options.command) || options.command.length === 0 || !options.command.every((part) => typeof part === 'string')) {
    throw new InvalidArgumentError(`Expected \`command\` to be a non-empty array of strings, got ${JSON.stringify(options.command)}`);
  }
  const session = options.session ?? DEFAULT_AGENT_SESSION;
  const windowName = options.window ?? options.name;
  const { paneId } = await openWindow(client, session, windowName);
  const cwd = options.cwd ?? '';
  await recordAgent(client, paneId, { name: options.name, kind: detector.name, command: options.command, cwd });
  await client.respawnPane(paneId, {
    kill: true,
    command: options.command,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return { name: options.name, kind: detector.name, command: [...options.command], paneId, cwd };
}

/**
 * Records an existing pane as an agent. `reserve` claims the name in the
 * fleet once it is known (it throws for a name in use).
 *
 * @throws `TmuxCommandError` when the target is not a pane.
 */
export async function adoptPane(
  client: TmuxClient,
  target: string,
  options: AdoptOptions,
  reserve: (name: string) => void,
): Promise<AgentRecord> {
  const [paneId] = await client.run(['display-message', '-p', '-t', target, '#{pane_id}']);
  const pane = (await listAgentPanes(client)).find((row) => row.paneId === paneId);
  if (paneId === undefined || pane === undefined) throw new InvalidArgumentError(`Expected a pane of an agent, got ${JSON.stringify(target)}`);
  const name = options.name ?? `${pane.sessionName}:${pane.windowName}`;
  validateAgentName(name);
  reserve(name);
  const command = parseRecordedCommand(pane.command);
  await recordAgent(client, paneId, { name, kind: options.kind, command, cwd: pane.cwd });
  return { name, kind: options.kind, command, paneId, cwd: pane.cwd };
}

/**
 * A new window in `session` running a placeholder: the session's first when
 * it is missing, else one more. Spawns racing to make the same session end up
 * sharing it.
 */
async function openWindow(client: TmuxClient, session: string, name: string): Promise<{ paneId: string }> {
  const placeholder = { command: ['cat'] };
  try {
    return await client.newSession({ name: session, windowName: name, ...placeholder });
  } catch (error) {
    if (!(error instanceof TmuxCommandError && /^duplicate session/u.test(error.tmuxMessage))) throw error;
    return client.newWindow({ target: `=${session}`, name, ...placeholder });
  }
}

/** Writes the agent's pane options and keeps the pane after its process exits. */
async function recordAgent(client: TmuxClient, paneId: string, agent: Omit<AgentRecord, 'paneId'>): Promise<void> {
  const pane = { target: paneId, scope: 'pane' as const };
  await Promise.all([
    client.setOption(AGENT_OPTIONS.name, agent.name, pane),
    client.setOption(AGENT_OPTIONS.kind, agent.kind, pane),
    client.setOption(AGENT_OPTIONS.command, JSON.stringify(agent.command), pane),
    client.setOption(AGENT_OPTIONS.cwd, agent.cwd, pane),
    client.setOption('remain-on-exit', 'on', pane),
  ]);
}
