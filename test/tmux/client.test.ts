import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  CONTROL_SESSION,
  InvalidArgumentError,
  TmuxClient,
  TmuxCommandError,
  type ConnectionCloseEvent,
  type PaneInfo,
} from '../../src/index.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;

beforeAll(async () => {
  // Panes whose process exits stay, so their exit status can be read.
  tmux = await createTestServer({ config: ['set -g remain-on-exit on'] });
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

let files = 0;
/** A fresh path in the scratch directory. */
function scratchFile(): string {
  return join(scratch, `file-${++files}`);
}

/** Waits until `path` holds exactly `expected` and returns its bytes. */
async function fileContent(path: string, expected: string | Buffer): Promise<Buffer> {
  const wanted = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return retryUntil(
    async () => {
      const bytes = await readFile(path);
      return bytes.equals(wanted) ? bytes : undefined;
    },
    { description: `${path} to hold the expected bytes` },
  );
}

/**
 * Waits until a pane is dead and tmux knows its exit status. tmux (3.3a) now
 * and then misses the exit of a pane's process and collects it only when
 * another child of the server exits; `run-shell true` provides one.
 */
async function deadPane(paneId: string): Promise<PaneInfo> {
  return retryUntil(
    async () => {
      const pane = (await client.listPanes(paneId)).find((row) => row.id === paneId);
      if (pane?.dead === true && pane.deadStatus === undefined) await client.run(['run-shell', 'true']);
      return pane?.dead === true && pane.deadStatus !== undefined ? pane : undefined;
    },
    { description: `${paneId} to be dead with an exit status` },
  );
}

/** A pane program that writes `$1` to file `$2`, without a shell ever reading the text. */
function writeArgument(text: string, path: string): string[] {
  return ['/bin/sh', '-c', 'printf %s "$1" > "$2"', 'sh', text, path];
}

describe('listing', () => {
  it('lists sessions without the control session unless asked', async () => {
    const { sessionId } = await client.newSession({ name: 'listed', width: 90, height: 20 });
    const sessions = await client.listSessions();
    expect(sessions.map((session) => session.name)).toContain('listed');
    expect(sessions.map((session) => session.name)).not.toContain(CONTROL_SESSION);
    expect(sessions.find((session) => session.id === sessionId)).toMatchObject({
      name: 'listed',
      windows: 1,
      attached: 0,
    });
    const all = await client.listSessions({ includeControl: true });
    expect(all.find((session) => session.name === CONTROL_SESSION)).toMatchObject({ attached: 1 });
    expect(sessions.every((session) => session.created > 1_600_000_000)).toBe(true);
    await client.killSession(sessionId);
  });

  it('lists windows of one session or of all sessions', async () => {
    const first = await client.newSession({ name: 'windows-a', windowName: 'main', width: 90, height: 20 });
    const second = await client.newSession({ name: 'windows-b' });
    const extra = await client.newWindow({ target: first.sessionId, name: 'extra' });

    const ofFirst = await client.listWindows(first.sessionId);
    expect(ofFirst).toEqual([
      {
        id: first.windowId,
        index: 0,
        sessionId: first.sessionId,
        sessionName: 'windows-a',
        active: true,
        panes: 1,
        width: 90,
        height: 20,
        name: 'main',
      },
      expect.objectContaining({ id: extra.windowId, index: 1, active: false, name: 'extra' }),
    ]);
    const all = await client.listWindows();
    expect(all.map((window) => window.id)).toEqual(expect.arrayContaining([first.windowId, extra.windowId, second.windowId]));
    expect(all.some((window) => window.sessionName === CONTROL_SESSION)).toBe(false);
    await client.killSession(first.sessionId);
    await client.killSession(second.sessionId);
  });

  it('lists panes of a window, of a session and of the server, with typed fields', async () => {
    const { sessionId, windowId, paneId } = await client.newSession({ name: 'panes', command: ['cat'], width: 100, height: 30 });
    // The second pane exits with status 3 once it reads a line (tmux can lose the status of a
    // process that exits the moment it starts).
    const second = await client.newWindow({ target: sessionId, command: ['/bin/sh', '-c', 'read line; exit 3'] });
    await client.run(['copy-mode', '-t', paneId]);

    const [pane] = await client.listPanes(windowId);
    expect(pane).toMatchObject({
      id: paneId,
      index: 0,
      windowId,
      windowIndex: 0,
      sessionId,
      sessionName: 'panes',
      active: true,
      width: 100,
      height: 30,
      dead: false,
      deadStatus: undefined,
      inMode: true,
      currentCommand: 'cat',
    });
    expect(pane?.pid).toBeGreaterThan(0);
    expect(existsSync(`/proc/${pane?.pid}`)).toBe(true);

    expect(await client.listPanes(second.windowId)).toEqual([expect.objectContaining({ dead: false, currentCommand: 'sh' })]);
    await client.sendKeys(second.paneId, ['Enter']);
    expect(await deadPane(second.paneId)).toMatchObject({ id: second.paneId, dead: true, deadStatus: 3, inMode: false });

    const ofSession = await client.listPanes({ session: sessionId });
    expect(ofSession.map((row) => row.id)).toEqual([paneId, second.paneId]);
    const all = await client.listPanes();
    expect(all.map((row) => row.id)).toEqual(expect.arrayContaining([paneId, second.paneId]));
    expect(all.some((row) => row.sessionName === CONTROL_SESSION)).toBe(false);
    await client.killSession(sessionId);
  });

  it('answers hasSession for exact names only', async () => {
    const { sessionId } = await client.newSession({ name: 'foobar' });
    expect(await client.hasSession('foobar')).toBe(true);
    expect(await client.hasSession('foo')).toBe(false);
    expect(await client.hasSession('foob*')).toBe(false);
    expect(await client.hasSession('foobar:0')).toBe(false);
    expect(await client.hasSession('foobar.0')).toBe(false);
    expect(await client.hasSession('')).toBe(false);
    expect(await client.hasSession(CONTROL_SESSION)).toBe(true);
    await client.killSession(sessionId);
    expect(await client.hasSession('foobar')).toBe(false);
  });
});

describe('creating sessions, windows and panes', () => {
  it('keeps names with spaces, unicode and format characters literal', async () => {
    const marker = scratchFile();
    const names = ['my session', 'héllo 世界 ✓', `x #{pane_id} #S ## #[fg=red] #(touch ${marker})`, `q"uo'te; semi \`tick\``];
    for (const name of names) {
      const created = await client.newSession({ name, windowName: `${name} window` });
      expect(created.sessionName).toBe(name);
      expect(await client.hasSession(name)).toBe(true);
      const [window] = await client.listWindows(created.sessionId);
      expect(window?.name).toBe(`${name} window`);
      await client.killSession(created.sessionId);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses session names tmux would change, without creating anything', async () => {
    const before = await client.listSessions({ includeControl: true });
    for (const name of ['a:b', 'a.b', '', CONTROL_SESSION, 'nul\u0000', 'a$b', 'back\\slash', 'tab\there', 'del\u007f']) {
      await expect(client.newSession({ name })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await client.hasSession(name)).toBe(name === CONTROL_SESSION);
    }
    expect(await client.listSessions({ includeControl: true })).toEqual(before);
  });

  it('reports a duplicate session name as a TmuxCommandError', async () => {
    const { sessionId } = await client.newSession({ name: 'twice' });
    const error = await client.newSession({ name: 'twice' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxCommandError);
    expect((error as TmuxCommandError).tmuxMessage).toMatch(/duplicate session/);
    await client.killSession(sessionId);
  });

  it('starts the process in cwd, with env values passed literally, at the given size', async () => {
    const directory = join(scratch, 'dir with space #{pane_id} ## #[x] é');
    await mkdir(directory);
    const output = scratchFile();
    const env = {
      PLAIN: 'plain',
      DOLLAR: '$HOME and ${HOME}',
      QUOTES: `it's "quoted" \\ back`,
      SEMI: 'a; echo injected; b',
      FORMAT: '#{pane_id} #(echo no) ~',
      EMPTY: '',
      NEWLINE: 'line 1\nline 2',
    };
    const { sessionId, paneId } = await client.newSession({
      cwd: directory,
      env,
      width: 132,
      height: 43,
      command: ['/bin/sh', '-c', 'pwd > "$1"; env -0 >> "$1"', 'sh', output],
    });
    const bytes = await retryUntil(async () => {
      const content = await readFile(output, 'utf8').catch(() => '');
      return content.includes('NEWLINE=') ? content : undefined;
    });
    const [pwd, rest] = [bytes.slice(0, bytes.indexOf('\n')), bytes.slice(bytes.indexOf('\n') + 1)];
    expect(pwd).toBe(await realpath(directory));
    const seen = Object.fromEntries(
      rest
        .split('\u0000')
        .filter((entry) => entry !== '')
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
    expect(seen).toMatchObject(env);
    const [pane] = await client.listPanes(paneId);
    expect(pane).toMatchObject({ width: 132, height: 43 });
    await client.killSession(sessionId);
  });

  it('refuses environment variable names that are not names', async () => {
    await expect(client.newSession({ env: { 'A=B': 'x' } })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.newSession({ env: { '': 'x' } })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('runs a command argv without a shell', async () => {
    const output = scratchFile();
    const text = '$HOME; touch injected `id` "$(id)" \'q\' #{pane_id} ~ *';
    const { sessionId } = await client.newSession({ cwd: scratch, command: writeArgument(text, output) });
    expect(await fileContent(output, text)).toEqual(Buffer.from(text));
    expect(existsSync(join(scratch, 'injected'))).toBe(false);
    await client.killSession(sessionId);
  });

  it('runs a single-element command as a program name, not through a shell', async () => {
    // A program whose file name is shell syntax: only an exec of the name runs it.
    const program = join(scratch, 'program $HOME; touch single');
    const ran = scratchFile();
    await writeFile(program, `#!/bin/sh\nprintf %s "$0" > '${ran}'\n`, { mode: 0o755 });
    const first = await client.newSession({ cwd: scratch, command: [program] });
    expect((await fileContent(ran, program)).toString()).toBe(program);

    const second = await client.newSession({ cwd: scratch, command: ['echo $HOME; touch single'] });
    await retryUntil(async () => (await client.listPanes(second.paneId))[0]?.dead, { description: 'the pane to die' });
    expect(existsSync(join(scratch, 'single'))).toBe(false);
    await client.killSession(first.sessionId);
    await client.killSession(second.sessionId);
  });

  it('runs shellCommand through the shell, as documented', async () => {
    const output = scratchFile();
    const { sessionId } = await client.newSession({ cwd: scratch, shellCommand: `printf %s "$HOME" > '${output}'; touch shell-ran` });
    expect((await fileContent(output, process.env.HOME ?? '')).toString()).toBe(process.env.HOME);
    await retryUntil(() => existsSync(join(scratch, 'shell-ran')));
    await expect(client.newSession({ command: ['true'], shellCommand: 'true' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.newSession({ command: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await client.killSession(sessionId);
  });

  it('creates windows and splits panes both ways', async () => {
    const { sessionId, paneId } = await client.newSession({ command: ['cat'], width: 80, height: 24 });
    const output = scratchFile();
    const window = await client.newWindow({ target: sessionId, name: 'w #{x}', cwd: scratch, command: writeArgument('in window', output) });
    await fileContent(output, 'in window');
    expect((await client.listWindows(sessionId)).map((row) => [row.id, row.name])).toContainEqual([window.windowId, 'w #{x}']);

    const beside = await client.splitWindow({ target: paneId, direction: 'horizontal', command: ['cat'] });
    const below = await client.splitWindow({ target: paneId, command: ['cat'] });
    const panes = await client.listPanes(paneId);
    const byId = new Map(panes.map((pane) => [pane.id, pane]));
    expect(panes).toHaveLength(3);
    const [original, right, lower] = [byId.get(paneId), byId.get(beside), byId.get(below)];
    // Beside: same height as the original had, widths shared. Below: the original's width, height shared.
    expect(right?.height).toBe(24);
    expect((original?.width ?? 0) + (right?.width ?? 0) + 1).toBe(80);
    expect(lower?.width).toBe(original?.width);
    expect((original?.height ?? 0) + (lower?.height ?? 0) + 1).toBe(24);
    expect(original?.active).toBe(true);
    await client.killSession(sessionId);
  });
});

describe('typing and reading', () => {
  it('sends text literally, byte for byte', async () => {
    const output = scratchFile();
    const { sessionId, paneId } = await client.newSession({ command: ['/bin/sh', '-c', 'cat > "$1"', 'sh', output] });
    const line = (i: number): string =>
      `${i}: it's "q" ; $HOME \${X} #{pane_id} #(x) ~ \`id\` \\ tab\there é 世界 👍 ${'x'.repeat(i % 90)}\n`;
    let text = '';
    for (let i = 0; text.length < 20_000; i++) text += line(i);
    // `send-keys -l` of a newline is Enter; the terminal turns it into the newline cat reads.
    await client.sendText(paneId, text);
    await client.sendKeys(paneId, ['C-d']);
    expect((await fileContent(output, text)).toString('utf8')).toBe(text);
    await client.killSession(sessionId);
  });

  it('sends key names', async () => {
    const output = scratchFile();
    const { sessionId, paneId } = await client.newSession({
      command: ['/bin/sh', '-c', 'read line; printf %s "$line" > "$1"; exec cat', 'sh', output],
    });
    await client.sendText(paneId, 'Enter C-c');
    await client.sendKeys(paneId, ['Enter']);
    await fileContent(output, 'Enter C-c');
    await retryUntil(async () => (await client.listPanes(paneId))[0]?.currentCommand === 'cat');
    await client.sendKeys(paneId, ['C-c']);
    await retryUntil(async () => (await client.listPanes(paneId))[0]?.dead, { description: 'C-c to end cat' });
    await client.sendKeys(paneId, []);
    await client.sendText(paneId, '');
    await client.killSession(sessionId);
  });

  it('captures the screen, history, escapes and joined lines', async () => {
    const long = 'L'.repeat(50);
    const script = `for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i"; done; printf '\\033[31mred\\033[0m\\n'; printf '${long}\\n'; exec cat`;
    const { sessionId, paneId } = await client.newSession({ command: ['/bin/sh', '-c', script], width: 40, height: 5 });
    await retryUntil(async () => (await client.capturePane(paneId)).some((line) => line.startsWith('LLLL')), {
      description: 'the output',
    });
    // 13 lines (10, red, and the long line wrapped into two) on a 5-line screen.
    expect(await client.capturePane(paneId)).toEqual(['line 10', 'red', 'L'.repeat(40), 'L'.repeat(10), '']);
    expect(await client.capturePane(paneId, { join: true, start: 1, end: 3 })).toEqual(['red', long]);
    expect((await client.capturePane(paneId, { escapes: true, start: 1, end: 1 }))[0]).toContain('\u001b[31mred');
    expect(await client.capturePane(paneId, { start: '-', end: -3 })).toEqual(
      Array.from({ length: 7 }, (_, i) => `line ${i + 1}`),
    );
    expect(await client.capturePane(paneId, { start: -2, end: '-' })).toHaveLength(7);
    await client.killSession(sessionId);
  });

  it('expands formats with displayMessage', async () => {
    const { sessionId, paneId } = await client.newSession({ name: 'shown' });
    expect(await client.displayMessage('#{session_name} #{pane_id}', { target: paneId })).toBe(`shown ${paneId}`);
    expect(await client.displayMessage('#{session_name}')).toBe(CONTROL_SESSION);
    await client.killSession(sessionId);
  });
});

describe('killing', () => {
  it('kills panes, windows and sessions', async () => {
    const { sessionId, windowId, paneId } = await client.newSession({ command: ['cat'] });
    const split = await client.splitWindow({ target: paneId, command: ['cat'] });
    const second = await client.newWindow({ target: sessionId, command: ['cat'] });

    await client.killPane(split);
    expect((await client.listPanes({ session: sessionId })).map((pane) => pane.id)).toEqual([paneId, second.paneId]);
    await client.killWindow(second.windowId);
    expect((await client.listWindows(sessionId)).map((window) => window.id)).toEqual([windowId]);
    await client.killSession(sessionId);
    expect((await client.listSessions()).some((session) => session.id === sessionId)).toBe(false);
    await expect(client.killSession(sessionId)).rejects.toBeInstanceOf(TmuxCommandError);
  });

  it('kills the server and resolves although the connection ends', async () => {
    await using server = await createTestServer();
    const doomed = await server.connect();
    const closed = new Promise<ConnectionCloseEvent>((resolve) => doomed.once('close', resolve));
    await doomed.newSession({ name: 'doomed' });
    await doomed.killServer();
    expect((await closed).expected).toBe(false);
    await expect(doomed.listSessions()).rejects.toBeInstanceOf(ConnectionClosedError);
    await doomed.close();
  });
});

describe('options', () => {
  const values = [
    'plain',
    'a; kill-server',
    `it's "quoted"`,
    '#{pane_id} #(touch nothing) $HOME ~',
    '-looks-like-a-flag',
    'trailing;',
    ' spaced ',
    'é 世界 👍',
    'tab\there',
    'line 1\nline 2',
    '',
  ];

  it.each(['pane', 'window', 'session'] as const)('sets, shows and unsets user options at %s scope', async (scope) => {
    const { sessionId, windowId, paneId } = await client.newSession();
    const target = { pane: paneId, window: windowId, session: sessionId }[scope];
    for (const value of values) {
      await client.setOption('@agent', value, { target, scope });
      expect(await client.showOption('@agent', { target, scope })).toBe(value);
    }
    await client.unsetOption('@agent', { target, scope });
    expect(await client.showOption('@agent', { target, scope })).toBeUndefined();
    await client.killSession(sessionId);
  });

  it('sets, shows and unsets server and global options', async () => {
    for (const value of values) {
      await client.setOption('@server-wide', value, { scope: 'server' });
      expect(await client.showOption('@server-wide', { scope: 'server' })).toBe(value);
      await client.setOption('@global', value, { global: true });
      expect(await client.showOption('@global', { global: true })).toBe(value);
    }
    const { sessionId } = await client.newSession();
    await client.setOption('@global', 'inherited', { global: true });
    // A session inherits the global value but does not hold it itself.
    expect(await client.showOption('@global', { target: sessionId })).toBeUndefined();
    expect(await client.displayMessage('#{@global}', { target: sessionId })).toBe('inherited');
    await client.unsetOption('@server-wide', { scope: 'server' });
    await client.unsetOption('@global', { global: true });
    expect(await client.showOption('@server-wide', { scope: 'server' })).toBeUndefined();
    expect(await client.showOption('@global', { global: true })).toBeUndefined();
    await client.killSession(sessionId);
  });

  it('sets built-in options', async () => {
    const { sessionId, windowId } = await client.newSession();
    await client.setOption('remain-on-exit', 'off', { target: windowId, scope: 'window' });
    expect(await client.showOption('remain-on-exit', { target: windowId, scope: 'window' })).toBe('off');
    await expect(client.setOption('no-such-option', 'x', { target: sessionId })).rejects.toBeInstanceOf(TmuxCommandError);
    await expect(client.setOption('@bad\u0000name', 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await client.killSession(sessionId);
  });
});
