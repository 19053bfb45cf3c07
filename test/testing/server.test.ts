import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExecRunner, InvalidOptionError, ServerNotRunningError, TmuxNotFoundError } from '../../src/index.js';
import { createTestServer } from '../../src/testing/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createTestServer', () => {
  it('starts a server that stays up with no sessions, on a socket in its own directory', async () => {
    const tmux = await createTestServer();
    try {
      expect(tmux.socketPath.startsWith(tmux.directory)).toBe(true);
      expect(tmux.server.socketPath).toBe(tmux.socketPath);
      expect(existsSync(tmux.socketPath)).toBe(true);
      const runner = new ExecRunner(tmux.server);
      expect(await runner.run(['list-sessions', '-F', '#{session_name}'])).toEqual([]);
      expect(await runner.run(['display-message', '-p', '#{socket_path}'])).toEqual([tmux.socketPath]);
      // No user configuration: the only file read is the server's own.
      expect(await runner.run(['show-options', '-s', '-v', 'exit-empty'])).toEqual(['off']);
    } finally {
      await tmux.kill();
    }
  });

  it('applies extra configuration lines', async () => {
    await using tmux = await createTestServer({ config: ['set -g @from-config "yes; really"', 'new-session -d -s configured'] });
    const runner = new ExecRunner(tmux.server);
    expect(await runner.run(['show-options', '-g', '-v', '@from-config'])).toEqual(['yes; really']);
    expect(await runner.run(['list-sessions', '-F', '#{session_name}'])).toEqual(['configured']);
  });

  it('connects control clients to its server', async () => {
    await using tmux = await createTestServer();
    await using client = await tmux.connect({ commandTimeoutMs: 5_000 });
    expect(await client.displayMessage('#{socket_path}')).toBe(tmux.socketPath);
  });

  it('kills the server and removes its directory, idempotently', async () => {
    const tmux = await createTestServer();
    const runner = new ExecRunner(tmux.server);
    await runner.run(['new-session', '-d', '-s', 'doomed']);
    const first = tmux.kill();
    expect(tmux.kill()).toBe(first);
    await first;
    expect(existsSync(tmux.directory)).toBe(false);
    await expect(runner.run(['list-sessions'])).rejects.toBeInstanceOf(ServerNotRunningError);
    await tmux.kill();
    await tmux[Symbol.asyncDispose]();
  });

  it('kills the server at the end of an `await using` block', async () => {
    let directory = '';
    {
      await using tmux = await createTestServer();
      directory = tmux.directory;
      expect(existsSync(directory)).toBe(true);
    }
    expect(existsSync(directory)).toBe(false);
  });

  it('works from inside another tmux client', async () => {
    vi.stubEnv('TMUX', '/tmp/not-a-server,1,0');
    vi.stubEnv('TMUX_PANE', '%0');
    await using tmux = await createTestServer();
    expect(await new ExecRunner(tmux.server).run(['display-message', '-p', '#{socket_path}'])).toEqual([tmux.socketPath]);
  });

  describe('when tmux cannot start it', () => {
    /** A private TMPDIR, to see what a failed start leaves behind. */
    async function privateTmpdir(): Promise<string> {
      const directory = await mkdtemp(join(tmpdir(), 'tmo-tmpdir-'));
      vi.stubEnv('TMPDIR', directory);
      return directory;
    }

    it('throws TmuxNotFoundError for a missing binary and leaves no directory', async () => {
      const directory = await privateTmpdir();
      try {
        await expect(createTestServer({ tmuxPath: '/nonexistent/tmux' })).rejects.toBeInstanceOf(TmuxNotFoundError);
        expect(await readdir(directory)).toEqual([]);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('throws InvalidOptionError for configuration tmux rejects and leaves no server or directory', async () => {
      const directory = await privateTmpdir();
      try {
        const error = await createTestServer({ config: ['set -g @fine yes', 'no-such-command here'] }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidOptionError);
        expect((error as InvalidOptionError).message).toMatch(/unknown command: no-such-command/);
        expect(await readdir(directory)).toEqual([]);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });
  });
});
