/**
 * Finding agents on a tmux server: panes this library recorded as agents,
 * and panes laid out the way the original Tmux-Orchestrator scripts did
 * (windows named like `Claude-Agent`, panes running `claude`, `codex`,
 * `gemini` or `aider`).
 *
 * @module
 */
import type { TmuxClient } from '../tmux/client.js';
import { isHiddenSession } from '../tmux/connection.js';
import { AGENT_PANE_ROW, parseRecordedCommand, type AgentPaneRow } from './record.js';

/** An agent found on a server. */
export interface DiscoveredAgent {
  /** The agent's name: recorded, or made from the session and window for the original layout. */
  readonly name: string;
  /** Its kind (detector name). */
  readonly kind: string;
  /** The command it was started with, when recorded. */
  readonly command: readonly string[];
  /** Its pane, `%N`. */
  readonly paneId: string;
  /** The working directory recorded at spawn, `''` when none. */
  readonly cwd: string;
  /** `recorded`: marked by this library; `original-layout`: recognised, not yet marked. */
  readonly source: 'recorded' | 'original-layout';
  /** The pane as listed. */
  readonly pane: AgentPaneRow;
}

/** Process names the original scripts' agents run as, and the kind each means. */
const ORIGINAL_PROCESSES: Readonly<Record<string, string>> = {
  claude: 'claude-code',
  codex: 'codex',
  gemini: 'gemini-cli',
  aider: 'aider',
};

/** Window names the original scripts gave agents, e.g. `Claude-Agent`, `Codex_Agent`. */
const ORIGINAL_WINDOW = /^(claude|codex|gemini|aider)[-_ ]?agent\b/iu;

/** Lists every pane of the server with its agent options (the control session left out). */
export async function listAgentPanes(client: TmuxClient): Promise<AgentPaneRow[]> {
  const lines = await client.run(['list-panes', '-a', '-F', AGENT_PANE_ROW.template], { readOnly: true });
  return AGENT_PANE_ROW.parse(lines).filter((row) => !isHiddenSession(row.sessionName));
}

/**
 * Finds the agents on a server: recorded ones first, then panes in the
 * original layout (named `session:window`, with ` (%N)` added when two would
 * share a name).
 */
export async function discoverAgents(client: TmuxClient): Promise<DiscoveredAgent[]> {
  const rows = await listAgentPanes(client);
  const found: DiscoveredAgent[] = [];
  const names = new Set<string>();
  for (const pane of rows) {
    if (pane.name === '' || pane.kind === '') continue;
    names.add(pane.name);
    found.push({ name: pane.name, kind: pane.kind, command: parseRecordedCommand(pane.command), cwd: pane.cwd, paneId: pane.paneId, source: 'recorded', pane });
  }
  for (const pane of rows) {
    if (pane.name !== '') continue;
    const kind = originalKind(pane);
    if (kind === undefined) continue;
    let name = `${pane.sessionName}:${pane.windowName}`;
    if (names.has(name)) name = `${name} (${pane.paneId})`;
    names.add(name);
    found.push({ name, kind, command: [], cwd: '', paneId: pane.paneId, source: 'original-layout', pane });
  }
  return found;
}

/** The kind of an unmarked pane in the original layout, if it is one. */
function originalKind(pane: AgentPaneRow): string | undefined {
  const byProcess = ORIGINAL_PROCESSES[pane.currentCommand];
  if (byProcess !== undefined) return byProcess;
  const byWindow = ORIGINAL_WINDOW.exec(pane.windowName)?.[1]?.toLowerCase();
  return byWindow === undefined ? undefined : ORIGINAL_PROCESSES[byWindow];
}
