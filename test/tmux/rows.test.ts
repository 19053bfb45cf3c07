import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANE_ROW, SESSION_ROW, WINDOW_ROW, type TmuxClient } from '../../src/index.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

describe('row templates against real tmux', () => {
  it('parse sessions, windows and panes with awkward names', async () => {
    const name = 'rows é 世界 #{not} ## x';
    const windowName = 'window \u001f separated #[fg=red] ✓';
    const { sessionId, windowId, paneId } = await client.newSession({ name, windowName, command: ['cat'], width: 70, height: 15 });

    const sessions = await client.run(['list-sessions', '-f', `#{==:#{session_id},${sessionId}}`, '-F', SESSION_ROW.template]);
    const [session] = SESSION_ROW.parse(sessions);
    expect(session).toMatchObject({ id: sessionId, name, windows: 1, attached: 0 });

    const [window] = WINDOW_ROW.parse(await client.run(['list-windows', '-t', sessionId, '-F', WINDOW_ROW.template]));
    expect(window).toEqual({
      id: windowId,
      index: 0,
      sessionId,
      sessionName: name,
      active: true,
      panes: 1,
      width: 70,
      height: 15,
      name: windowName,
    });

    // The pane's shell may not have started `cat` yet: wait for it to be the pane's command.
    const [pane] = await retryUntil(async () => {
      const rows = PANE_ROW.parse(await client.run(['list-panes', '-t', paneId, '-F', PANE_ROW.template]));
      return rows[0]?.currentCommand === 'cat' ? rows : undefined;
    });
    expect(pane).toMatchObject({ id: paneId, windowId, sessionId, sessionName: name, width: 70, height: 15, currentCommand: 'cat' });
    await client.killSession(sessionId);
  });

  it('carry a working directory holding newlines and the field separator', async () => {
    const directory = join(scratch, 'line 1\nline 2\u001ffield #{x} ~ \\ é');
    await mkdir(directory);
    const { sessionId, paneId } = await client.newSession({ cwd: directory, command: ['cat'] });
    const second = await client.splitWindow({ target: paneId, cwd: scratch, command: ['cat'] });
    const expected = await realpath(directory);

    const panes = await retryUntil(async () => {
      const rows = await client.listPanes({ session: sessionId });
      return rows.length === 2 && rows.every((row) => row.currentCommand === 'cat') ? rows : undefined;
    });
    expect(panes.map((row) => [row.id, row.currentPath])).toEqual([
      [paneId, expected],
      [second, await realpath(scratch)],
    ]);
    await client.killSession(sessionId);
  });
});
