import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  CommandTimeoutError,
  ExecRunner,
  InvalidArgumentError,
  InvalidOptionError,
  ServerNotRunningError,
  TmuxClient,
  TmuxCommandError,
  TmuxNotFoundError,
} from '../../src/index.js';
import { runTmuxCommands } from '../../src/tmux/exec.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let runner: ExecRunner;
let exec: TmuxClient;
let scratch: string;

beforeAll(async () => {
  // Every process tmux runs here gets a non-UTF-8 locale, as under cron or a bare CI shell.
  vi.stubEnv('LC_ALL', 'C');
  tmux = await createTestServer();
  runner = new ExecRunner(tmux.server);
  exec = new TmuxClient(runner);
  scratch = await mkdtemp(join(tmpdir(), 'tmo-exec-'));
});
afterAll(async () => {
  await exec.close();
  await tmux.kill();
  await rm(scratch, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('TmuxClient over ExecRunner', () => {
  it('creates a session, types into it and captures it, with unicode intact', async () => {
    const created = await exec.newSession({ name: 'exec é 世界', command: ['cat'], width: 60, height: 10 });
    expect(created.sessionName).toBe('exec é 世界');
    expect(created.paneId).toMatch(/^%\d+$/);
    expect((await exec.listSessions()).map((session) => session.name)).toEqual(['exec é 世界']);
    const [pane] = await exec.listPanes(created.paneId);
    expect(pane).toMatchObject({ id: created.paneId, width: 60, height: 10, currentCommand: 'cat', dead: false });

    const text = `it's "q" ; $HOME #{pane_id} \\ é 世界 👍 trailing;`;
    await exec.sendText(created.paneId, text);
    const [line] = await retryUntil(async () => {
      const lines = await exec.capturePane(created.paneId);
      return lines[0] === text ? lines : undefined;
    });
    expect(line).toBe(text);

    // The same pane read through a control connection gives the same lines.
    await using control = await tmux.connect();
    expect(await control.capturePane(created.paneId)).toEqual(await exec.capturePane(created.paneId));
    await exec.killSession(created.sessionId);
  });

  it('sets, shows and unsets options', async () => {
    const { sessionId, paneId } = await exec.newSession();
    for (const value of ['a; kill-server', 'trailing;', ';', `it's "q"`, '#{pane_id} $HOME ~', '-flag', 'é\n世', '']) {
      await exec.setOption('@opt', value, { target: paneId, scope: 'pane' });
      expect(await exec.showOption('@opt', { target: paneId, scope: 'pane' })).toBe(value);
    }
    await exec.unsetOption('@opt', { target: paneId, scope: 'pane' });
    expect(await exec.showOption('@opt', { target: paneId, scope: 'pane' })).toBeUndefined();
    await exec.killSession(sessionId);
  });
});

describe('ExecRunner', () => {
  it('carries arguments ending in `;` and other awkward text byte for byte', async () => {
    const values = ['a;', ';', ';;', 'a\\;', '\\;', '\\', '{', '}', '-x', 'x y', `it's`, '$HOME', '~', '#{pane_id}', '%1', 'é 世界 👍', 'tab\tnew\nline'];
    for (const [i, value] of values.entries()) {
      const file = join(scratch, `buffer-${i}`);
      await runner.run(['set-buffer', '-b', `exec-${i}`, '--', value]);
      await runner.run(['save-buffer', '-b', `exec-${i}`, file]);
      expect(await readFile(file, 'utf8')).toBe(value);
    }
  });

  it('runs a sequence of commands in one process, stopping at the first failure', async () => {
    const result = await runTmuxCommands(tmux.server, [
      ['set-option', '-s', '@sequence', 'first;'],
      ['display-message', '-p', '#{@sequence}'],
      ['display-message', '-p', ';'],
    ]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'first;\n;\n' });
    const failed = await runTmuxCommands(tmux.server, [
      ['kill-session', '-t', '=no-such-session'],
      ['set-buffer', '-b', 'not-reached', 'x'],
    ]);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/can't find session|no current target/);
    await expect(runner.run(['show-buffer', '-b', 'not-reached'])).rejects.toBeInstanceOf(TmuxCommandError);
    await expect(runTmuxCommands(tmux.server, [['display-message'], []])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects with TmuxCommandError carrying the command and tmux message', async () => {
    const argv = ['capture-pane', '-p', '-t', '%99999'];
    const error = await runner.run(argv).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxCommandError);
    expect((error as TmuxCommandError).command).toEqual(argv);
    expect((error as TmuxCommandError).tmuxMessage).toMatch(/can't find pane|no current target/);
  });

  it('rejects with ServerNotRunningError when no server is running', async () => {
    const socketPath = join(scratch, 'none.sock');
    const error = await new ExecRunner({ socketPath }).run(['list-sessions']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerNotRunningError);
    expect((error as ServerNotRunningError).server).toBe(`-S ${socketPath}`);
  });

  it('refuses a command too long for one process with InvalidArgumentError, not TmuxNotFoundError', async () => {
    await expect(runner.run(['set-buffer', '-b', 'big', '--', 'x'.repeat(300_000)])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects with TmuxNotFoundError for a missing binary', async () => {
    const error = await new ExecRunner({ ...tmux.server, tmuxPath: '/nonexistent/tmux' })
      .run(['list-sessions'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxNotFoundError);
    expect((error as TmuxNotFoundError).tmuxPath).toBe('/nonexistent/tmux');
  });

  it('times out and aborts a command that does not finish', async () => {
    const channel = `exec-${process.pid}`;
    const error = await runner.run(['wait-for', channel], { timeoutMs: 150 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect((error as CommandTimeoutError).command).toEqual(['wait-for', channel]);
    expect((error as CommandTimeoutError).timeoutMs).toBe(150);

    const short = new ExecRunner({ ...tmux.server, commandTimeoutMs: 150 });
    await expect(short.run(['wait-for', channel])).rejects.toBeInstanceOf(CommandTimeoutError);

    const controller = new AbortController();
    const aborted = runner.run(['wait-for', channel], { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await expect(runner.run(['list-sessions'], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(await runner.run(['display-message', '-p', 'still fine'])).toEqual(['still fine']);
  });

  it('refuses bad options and arguments before running tmux', async () => {
    expect(() => new ExecRunner({ socketName: 'a', socketPath: '/tmp/x' })).toThrow(InvalidOptionError);
    expect(() => new ExecRunner({ commandTimeoutMs: -1 })).toThrow(InvalidOptionError);
    await expect(runner.run([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runner.run(['display-message', '-p', 'a\u0000b'])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runner.run(['display-message'], { timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
