/**
 * Method (a), the original Tmux-Orchestrator's: one `tmux` process per
 * command, one after another, as its `tmux_utils.py` does for a status
 * snapshot (`get_all_windows_status`): `list-sessions`, then `list-windows`
 * for each session, then for each window `display-message` (name, panes,
 * layout) and `capture-pane -p -S -50`. Processes start through
 * `child_process.execFile`, the cheapest way Node has.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isHiddenSession } from '../../src/index.js';
import { tmuxEnvironment } from '../../src/tmux/server.js';
import { HISTORY_LINES } from '../fleet.js';
import { paneKey, timeCycles, type AgentFleet, type Captures, type Method } from './method.js';

const run = promisify(execFile);

/** Runs one tmux process on the fleet's server `server` and returns its output lines. */
async function tmux(fleet: AgentFleet, server: number, args: readonly string[]): Promise<string[]> {
  const socketPath = fleet.servers[server]?.socketPath;
  if (socketPath === undefined) throw new Error(`no server ${server} in the fleet`);
  // `-u`: the original relies on a UTF-8 locale; without one tmux would print `_` for the screens' box drawing.
  const { stdout } = await run('tmux', ['-S', socketPath, '-u', ...args], { env: tmuxEnvironment(), maxBuffer: 16 * 1024 * 1024 });
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** One status snapshot of every server, captures keyed by pane (looked up once, outside the timed cycles). */
async function snapshot(fleet: AgentFleet, paneOfWindow: ReadonlyMap<string, string>): Promise<Captures> {
  const captures: Captures = new Map();
  for (let server = 0; server < fleet.servers.length; server++) {
    for (const session of await tmux(fleet, server, ['list-sessions', '-F', '#{session_name}:#{session_attached}'])) {
      const name = session.slice(0, session.lastIndexOf(':'));
      // Not part of the fleet: the benchmark's own control connection.
      if (isHiddenSession(name)) continue;
      for (const window of await tmux(fleet, server, ['list-windows', '-t', name, '-F', '#{window_index}:#{window_name}:#{window_active}'])) {
        const target = `${name}:${window.split(':')[0] ?? ''}`;
        await tmux(fleet, server, ['display-message', '-t', target, '-p', '#{window_name}:#{window_active}:#{window_panes}:#{window_layout}']);
        const lines = await tmux(fleet, server, ['capture-pane', '-t', target, '-p', '-S', `-${HISTORY_LINES}`]);
        captures.set(paneOfWindow.get(`${server} ${target}`) ?? `${server} ${target}`, lines);
      }
    }
  }
  return captures;
}

/** Method (a): the original's sequential snapshot of every window. */
export const originalMethod: Method = async (fleet, options) => {
  // Which pane each `session:window` is, to check the captures against the fleet.
  const paneOfWindow = new Map<string, string>();
  await Promise.all(
    fleet.controlClients.map(async (client, server) => {
      const rows = await client.run(['list-panes', '-a', '-F', '#{session_name}:#{window_index} #{pane_id}']);
      for (const row of rows) {
        const split = row.lastIndexOf(' ');
        paneOfWindow.set(`${server} ${row.slice(0, split)}`, paneKey(server, row.slice(split + 1)));
      }
    }),
  );
  return timeCycles('original (a)', fleet, options, () => snapshot(fleet, paneOfWindow));
};
