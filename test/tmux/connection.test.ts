import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  CommandTimeoutError,
  ConnectionClosedError,
  CONTROL_SESSION,
  ControlConnection,
  ExecRunner,
  InvalidArgumentError,
  InvalidOptionError,
  ServerNotRunningError,
  TmuxClient,
  TmuxCommandError,
  TmuxNotFoundError,
  type ConnectionCloseEvent,
  type ControlConnectionOptions,
  type Notification,
  type PaneOutputEvent,
} from '../../src/index.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let exec: ExecRunner;

beforeAll(async () => {
  tmux = await createTestServer();
  exec = new ExecRunner(tmux.server);
  // A user session keeps the server (and its windows) around independently of control clients.
  await exec.run(['new-session', '-d', '-s', 'keeper', '-x', '120', '-y', '40']);
});
afterAll(() => tmux.kill());

function open(options: Omit<ControlConnectionOptions, 'socketPath' | 'configFile'> = {}): Promise<ControlConnection> {
  return ControlConnection.open({ ...tmux.server, ...options });
}

let channels = 0;
/** A fresh `wait-for` channel name, so no test can wake another's. */
function channel(): string {
  return `channel-${process.pid}-${++channels}`;
}

/**
 * Makes tmux hold back every later command of `connection` until `chan` is
 * signalled: tmux answers `wait-for` at once but runs nothing after it from
 * the same client until then.
 */
async function block(connection: ControlConnection, chan: string): Promise<void> {
  expect(await connection.run(['wait-for', chan])).toEqual([]);
}

async function controlSessionExists(runner = exec): Promise<boolean> {
  try {
    await runner.run(['has-session', '-t', `=${CONTROL_SESSION}`]);
    return true;
  } catch (error) {
    if (error instanceof TmuxCommandError) return false;
    throw error;
  }
}

function nextClose(connection: ControlConnection): Promise<ConnectionCloseEvent> {
  return new Promise((resolve) => connection.once('close', resolve));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('opening and closing', () => {
  it('opens, runs a command and closes', async () => {
    const connection = await open();
    expect(connection.closed).toBe(false);
    expect(connection.pid).toBeGreaterThan(0);
    expect(connection.version.major).toBeGreaterThanOrEqual(3);
    expect(await connection.run(['display-message', '-p', '#{session_name}'])).toEqual([CONTROL_SESSION]);

    const closed = nextClose(connection);
    await connection.close();
    expect(connection.closed).toBe(true);
    expect(await closed).toEqual({ reason: 'closed by caller', expected: true });
    expect(isAlive(connection.pid as number)).toBe(false);
  });

  it('close() is idempotent and later commands reject at once', async () => {
    const connection = await open();
    const first = connection.close();
    expect(connection.close()).toBe(first);
    await first;
    await connection.close();
    expect(connection.pending).toBe(0);
    const before = connection.commandCount;
    await expect(connection.run(['display-message', '-p', 'x'])).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(connection.commandCount).toBe(before);
  });

  it('lets tmux answer the commands already sent when closing', async () => {
    const connection = await open();
    const replies = Array.from({ length: 50 }, (_, i) => connection.run(['display-message', '-p', `before-close-${i}`]));
    await connection.close();
    expect(await Promise.all(replies)).toEqual(Array.from({ length: 50 }, (_, i) => [`before-close-${i}`]));
  });

  it('closes at the end of an `await using` block', async () => {
    let escaped: ControlConnection | undefined;
    {
      await using connection = await open();
      escaped = connection;
      expect(await connection.run(['display-message', '-p', 'inside'])).toEqual(['inside']);
    }
    expect(escaped.closed).toBe(true);
    await retryUntil(() => !isAlive(escaped.pid as number), { description: 'the control client to exit' });
  });

  it('keeps the control session exactly while connections are attached', async () => {
    await retryUntil(async () => !(await controlSessionExists()), { description: 'no control session before connecting' });
    const first = await open();
    const second = await open();
    expect(await controlSessionExists()).toBe(true);
    expect(await exec.run(['show-options', '-v', '-t', `=${CONTROL_SESSION}:`, 'destroy-unattached'])).toEqual(['off']);

    await first.close();
    expect(await second.run(['display-message', '-p', 'still attached'])).toEqual(['still attached']);
    expect(await controlSessionExists()).toBe(true);
    await second.close();
    await retryUntil(async () => !(await controlSessionExists()), { description: 'the control session to be destroyed' });
    // The user session kept the server alive.
    expect(await exec.run(['list-sessions', '-F', '#{session_name}'])).toEqual(['keeper']);
  });

  it.each([
    ['', []],
    // A configuration's global destroy-unattached must not bring the crash back.
    [' with destroy-unattached on globally', ['set -g destroy-unattached on']],
  ])('survives many connections opening and closing at once%s', async (_, config) => {
    await using server = await createTestServer({
      config: ['new-session -d -s user', 'set-option -t user destroy-unattached off', ...config],
    });
    const runner = new ExecRunner(server.server);
    // tmux 3.3a crashed in a good share of such rounds when control clients created the session themselves.
    for (let round = 0; round < 8; round++) {
      const connections = await Promise.all(Array.from({ length: 4 }, () => ControlConnection.open(server.server)));
      await Promise.all(connections.map((connection) => connection.close()));
      await retryUntil(async () => !(await controlSessionExists(runner)), { description: 'the control session to be destroyed' });
      expect(await runner.run(['list-sessions', '-F', '#{session_name}'])).toEqual(['user']);
    }
  });

  it('attaches to a hidden session of its own when asked, which listings leave out', async () => {
    const session = '__tmo-monitor-test';
    const monitor = await open({ session });
    try {
      expect(await monitor.run(['display-message', '-p', '#{session_name}'])).toEqual([session]);
      const client = new TmuxClient(exec);
      expect((await client.listSessions()).map((row) => row.name)).not.toContain(session);
      expect((await client.listSessions({ includeControl: true })).map((row) => row.name)).toContain(session);
      await expect(client.newSession({ name: '__tmo-mine' })).rejects.toBeInstanceOf(InvalidArgumentError);
    } finally {
      await monitor.close();
    }
    await retryUntil(async () => !(await exec.run(['list-sessions', '-F', '#{session_name}'])).includes(session), {
      description: 'the hidden session to be destroyed',
    });
  });

  it('never changes the size of a window', async () => {
    const size = async (): Promise<string[]> =>
      exec.run(['list-windows', '-t', '=keeper', '-F', '#{window_id} #{window_width}x#{window_height}']);
    await exec.run(['new-window', '-d', '-t', '=keeper:']);
    const before = await size();
    expect(before.every((line) => line.endsWith(' 120x40'))).toBe(true);

    const connections = [await open(), await open(), await open()];
    try {
      expect(await size()).toEqual(before);
      expect(await exec.run(['list-windows', '-t', `=${CONTROL_SESSION}`, '-F', '#{window_width}x#{window_height}'])).toEqual([
        '80x24',
      ]);
      // A window linked into the control session (as monitoring does) keeps its size too.
      const [windowId] = before[0]?.split(' ') ?? [];
      await connections[0]?.run(['link-window', '-d', '-s', windowId as string, '-t', `${CONTROL_SESSION}:`]);
      expect(await size()).toEqual(before);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
    expect(await size()).toEqual(before);
  });
});

describe('running commands', () => {
  it('matches 2000 pipelined replies to their commands in order', async () => {
    await using connection = await open();
    const payloads = Array.from({ length: 2000 }, (_, i) => `reply ${i} ;'"$HOME\\ é ${'x'.repeat(i % 50)}`);
    const replies = await Promise.all(payloads.map((payload) => connection.run(['display-message', '-p', '--', payload])));
    replies.forEach((reply, i) => expect(reply).toEqual([payloads[i]]));
    expect(connection.pending).toBe(0);
  });

  it('answers a read-only command whose reply repeats with equal lines in an array of its own', async () => {
    const connection = await open();
    try {
      await connection.run(['send-keys', '-t', 'keeper', '-l', `printf '%s\\n' ${'─'.repeat(100)} ${'x'.repeat(200)}`]);
      await connection.run(['send-keys', '-t', 'keeper', 'Enter']);
      const capture = () => connection.run(['capture-pane', '-p', '-t', 'keeper'], { readOnly: true });
      await retryUntil(async () => (await capture()).some((line) => line.includes('x'.repeat(100))), { description: 'the printed lines' });
      const first = await capture();
      const second = await capture();
      expect(second).toEqual(first);
      expect(second).not.toBe(first);
      first.splice(0);
      expect(await capture()).toEqual(second);
      await connection.run(['send-keys', '-t', 'keeper', '-l', 'echo changed-screen']);
      await connection.run(['send-keys', '-t', 'keeper', 'Enter']);
      await retryUntil(async () => (await capture()).some((line) => line.includes('changed-screen')), { description: 'the changed screen' });
    } finally {
      await connection.close();
    }
  });

  it('rejects with TmuxCommandError carrying the command and tmux message, and carries on', async () => {
    await using connection = await open();
    const argv = ['capture-pane', '-p', '-t', '%99999'];
    const error = await connection.run(argv).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxCommandError);
    expect((error as TmuxCommandError).code).toBe('ERR_TMUX_COMMAND');
    expect((error as TmuxCommandError).command).toEqual(argv);
    expect((error as TmuxCommandError).tmuxMessage).toMatch(/can't find pane/);

    const unknown = await connection.run(['no-such-command', 'x']).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(TmuxCommandError);
    expect((unknown as TmuxCommandError).tmuxMessage).toMatch(/unknown command/);
    expect(await connection.run(['display-message', '-p', 'still fine'])).toEqual(['still fine']);
  });

  it('runs a sequence of commands as one line: every output in order, arguments still literal', async () => {
    await using connection = await open();
    const tricky = `a ; b 'c' "d" $HOME ;`;
    const sequence = connection.runSequence([
      ['display-message', '-p', tricky],
      ['display-message', '-p', 'second'],
      ['list-sessions', '-F', 'third'],
    ]);
    const after = connection.run(['display-message', '-p', 'after']);
    expect(await sequence).toEqual([tricky, 'second', ...(await connection.run(['list-sessions', '-F', 'third']))]);
    expect(await after).toEqual(['after']);
  });

  it('rejects a sequence at its failing command, whose followers tmux skips, and answers the next line', async () => {
    await using connection = await open();
    const commands = [['display-message', '-p', 'ran'], ['capture-pane', '-p', '-t', '%99999'], ['display-message', '-p', 'skipped']];
    const error = await connection.runSequence(commands).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxCommandError);
    expect((error as TmuxCommandError).tmuxMessage).toMatch(/can't find pane/);
    expect((error as TmuxCommandError).command).toEqual([...commands[0]!, ';', ...commands[1]!, ';', ...commands[2]!]);
    expect(await connection.run(['display-message', '-p', 'next'])).toEqual(['next']);
    await expect(connection.runSequence([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connection.runSequence([['display-message', '-p', 'x'], []])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('times a command out and gives later commands their own replies', async () => {
    await using connection = await open();
    const chan = channel();
    // tmux answers `wait-for` at once but runs nothing more from this client until the channel is signalled.
    await block(connection, chan);
    const late = connection.run(['display-message', '-p', 'late'], { timeoutMs: 100 });
    const lateError = await late.catch((caught: unknown) => caught);
    expect(lateError).toBeInstanceOf(CommandTimeoutError);
    expect((lateError as CommandTimeoutError).command).toEqual(['display-message', '-p', 'late']);
    expect((lateError as CommandTimeoutError).timeoutMs).toBe(100);

    const after = [connection.run(['display-message', '-p', 'after-1']), connection.run(['display-message', '-p', 'after-2'])];
    // The timed-out command's reply is still due and must be skipped, not handed on.
    expect(connection.pending).toBe(3);
    await exec.run(['wait-for', '-S', chan]);
    expect(await Promise.all(after)).toEqual([['after-1'], ['after-2']]);
    expect(connection.pending).toBe(0);
  });

  it('uses the connection-wide commandTimeoutMs by default', async () => {
    await using connection = await open({ commandTimeoutMs: 100 });
    const chan = channel();
    await block(connection, chan);
    await expect(connection.run(['display-message', '-p', 'late'])).rejects.toBeInstanceOf(CommandTimeoutError);
    const after = connection.run(['display-message', '-p', 'after'], { timeoutMs: 5_000 });
    await exec.run(['wait-for', '-S', chan]);
    expect(await after).toEqual(['after']);
  });

  it('rejects an already aborted command without sending it', async () => {
    await using connection = await open();
    const before = connection.commandCount;
    const controller = new AbortController();
    controller.abort(new Error('not wanted'));
    const error = await connection.run(['display-message', '-p', 'x'], { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toBe(controller.signal.reason);
    expect(connection.commandCount).toBe(before);
    expect(connection.pending).toBe(0);
  });

  it('rejects a pending command when aborted, leaving later commands unaffected', async () => {
    await using connection = await open();
    const chan = channel();
    const controller = new AbortController();
    await block(connection, chan);
    const aborted = connection.run(['display-message', '-p', 'aborted'], { signal: controller.signal });
    const kept = connection.run(['display-message', '-p', 'kept']);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(connection.pending).toBe(2);
    await exec.run(['wait-for', '-S', chan]);
    expect(await kept).toEqual(['kept']);
    expect(await connection.run(['display-message', '-p', 'next'])).toEqual(['next']);
  });

  it('refuses arguments tmux cannot carry without sending anything', async () => {
    await using connection = await open();
    const before = connection.commandCount;
    await expect(connection.run(['display-message', '-p', 'a\u0000b'])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connection.run(['display-message', '-p', 'lone \ud800'])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connection.run([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connection.run(['display-message'], { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(connection.pending).toBe(0);
    expect(connection.commandCount).toBe(before);
    expect(await connection.run(['display-message', '-p', 'ok'])).toEqual(['ok']);
  });
});

describe('when the other side goes away', () => {
  it('rejects every pending command within 1 s when the control process is killed', async () => {
    const connection = await open();
    const closed = nextClose(connection);
    const chan = channel();
    await block(connection, chan);
    const commands = Array.from({ length: 500 }, (_, i) => connection.run(['display-message', '-p', `pending-${i}`]));
    let lastRejection = 0;
    const settled = Promise.allSettled(commands.map((command) => command.finally(() => (lastRejection = performance.now()))));
    expect(connection.pending).toBe(500);

    const killedAt = performance.now();
    process.kill(connection.pid as number, 'SIGKILL');
    const results = await settled;

    expect(lastRejection - killedAt).toBeLessThan(1_000);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionClosedError);
    }
    expect(connection.closed).toBe(true);
    expect(connection.pending).toBe(0);
    const event = await closed;
    expect(event.expected).toBe(false);
    expect(event.reason).toMatch(/SIGKILL/);
    const error = await connection.run(['display-message', '-p', 'x']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe(event.reason);
    await connection.close();
    await exec.run(['wait-for', '-S', chan]);
  });

  it.each(['kill-server', 'SIGKILL'] as const)('rejects pending commands when the server dies (%s)', async (how) => {
    await using server = await createTestServer();
    const connection = await ControlConnection.open(server.server);
    const closed = nextClose(connection);
    const notifications: Notification[] = [];
    connection.on('notification', (notification) => notifications.push(notification));
    // Not `wait-for`: tmux wakes every waiter when it exits, which would let it answer the rest.
    expect(await connection.run(['run-shell', 'sleep 5'])).toEqual([]);
    const commands = Array.from({ length: 100 }, (_, i) => connection.run(['display-message', '-p', `pending-${i}`]));
    const settled = Promise.allSettled(commands);

    if (how === 'kill-server') {
      await new ExecRunner(server.server).run(['kill-server']);
    } else {
      const [pid] = await new ExecRunner(server.server).run(['display-message', '-p', '#{pid}']);
      process.kill(Number(pid), 'SIGKILL');
    }
    for (const result of await settled) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionClosedError);
    }
    expect((await closed).expected).toBe(false);
    expect(connection.closed).toBe(true);
    await expect(connection.run(['display-message', '-p', 'x'])).rejects.toBeInstanceOf(ConnectionClosedError);
    if (how === 'kill-server') expect(notifications.some((notification) => notification.kind === 'exit')).toBe(true);
  });
});

describe('ControlConnection.open', () => {
  it('throws ServerNotRunningError when no server is running and startServer is not set', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tmo-conn-'));
    try {
      const socketPath = join(directory, 'none.sock');
      const error = await ControlConnection.open({ socketPath }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServerNotRunningError);
      expect((error as ServerNotRunningError).server).toBe(`-S ${socketPath}`);
      await expect(ControlConnection.open({ socketPath, startServer: false })).rejects.toBeInstanceOf(ServerNotRunningError);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('starts a server with startServer: true', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tmo-conn-'));
    const server = { socketPath: join(directory, 'started.sock'), configFile: '/dev/null' };
    try {
      await using connection = await ControlConnection.open({ ...server, startServer: true });
      expect(await connection.run(['display-message', '-p', '#{socket_path}'])).toEqual([server.socketPath]);
      expect(await new ExecRunner(server).run(['list-sessions', '-F', '#{session_name}'])).toEqual([CONTROL_SESSION]);
    } finally {
      await new ExecRunner(server).run(['kill-server']).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('throws TmuxNotFoundError for a missing tmux binary', async () => {
    const error = await open({ tmuxPath: '/nonexistent/tmux' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxNotFoundError);
    expect((error as TmuxNotFoundError).tmuxPath).toBe('/nonexistent/tmux');
  });

  it('throws InvalidOptionError for invalid options before starting anything', async () => {
    await expect(open({ commandTimeoutMs: -1 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(open({ connectTimeoutMs: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(open({ closeTimeoutMs: 1.5 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(ControlConnection.open({ socketName: 'a', socketPath: tmux.socketPath })).rejects.toThrow(
      /only one of `socketName` and `socketPath`/,
    );
    await expect(ControlConnection.open({ socketName: 'a/b' })).rejects.toBeInstanceOf(InvalidOptionError);
    for (const session of ['monitor', '__tmo-a b', '__tmo-x;kill-server', '__tmo-#{pane_id}']) {
      await expect(open({ session })).rejects.toBeInstanceOf(InvalidOptionError);
    }
  });
});

describe('notifications', () => {
  /** A client that records every event it emits. */
  async function recordingClient(server = tmux): Promise<{ client: TmuxClient; events: Notification[]; outputs: PaneOutputEvent[] }> {
    const client = await server.connect();
    const events: Notification[] = [];
    const outputs: PaneOutputEvent[] = [];
    client.on('notification', (notification) => events.push(notification));
    client.on('output', (event) => outputs.push(event));
    return { client, events, outputs };
  }

  it('decodes output of a window linked into the control session, even a character split across notifications', async () => {
    const { client, outputs } = await recordingClient();
    try {
      const [go1, go2, done] = [channel(), channel(), channel()];
      // The pane prints nothing but what printf writes: no shell prompt, no terminal echo.
      // 世 (e4 b8 96) is split between the two printf calls.
      const script = [
        `tmux wait-for ${go1}`,
        "printf 'caf\\303\\251 \\344\\270'",
        `tmux wait-for ${go2}`,
        "printf '\\226\\347\\225\\214 \\360\\237\\221\\215 done'",
        `tmux wait-for ${done}`,
      ].join('; ');
      const { windowId, paneId } = await client.newSession({ command: ['/bin/sh', '-c', script] });
      await client.run(['link-window', '-d', '-s', windowId, '-t', `${CONTROL_SESSION}:`]);
      const ofPane = (): PaneOutputEvent[] => outputs.filter((event) => event.paneId === paneId);
      const bytes = (): Buffer => Buffer.concat(ofPane().map((event) => event.data));

      await exec.run(['wait-for', '-S', go1]);
      const firstHalf = Buffer.from([...Buffer.from('café '), 0xe4, 0xb8]);
      await retryUntil(() => bytes().equals(firstHalf), { description: 'the first half of the output' });
      expect(ofPane().map((event) => event.text).join('')).toBe('café ');

      await exec.run(['wait-for', '-S', go2]);
      await retryUntil(() => bytes().toString('utf8').endsWith('done'), { description: 'the rest of the output' });
      expect(ofPane().map((event) => event.text).join('')).toBe('café 世界 👍 done');
      expect(ofPane().every((event) => event.ageMs === 0)).toBe(true);
      await exec.run(['wait-for', '-S', done]);
    } finally {
      await client.close();
    }
  });

  it('reports windows, sessions and subscriptions', async () => {
    const { client, events } = await recordingClient();
    try {
      const kinds = (kind: Notification['kind']): Notification[] => events.filter((event) => event.kind === kind);
      const { sessionId, windowId } = await client.newSession({ name: 'watched' });
      await retryUntil(() => kinds('sessions-changed').length > 0, { description: '%sessions-changed' });

      await client.run(['link-window', '-d', '-s', windowId, '-t', `${CONTROL_SESSION}:`]);
      await retryUntil(() => events.find((event) => event.kind === 'window-add' && event.windowId === windowId), {
        description: '%window-add',
      });

      await client.run(['rename-window', '-t', windowId, 'new name ✓']);
      expect(
        await retryUntil(() => events.find((event) => event.kind === 'window-renamed' && event.windowId === windowId)),
      ).toEqual({ kind: 'window-renamed', windowId, name: 'new name ✓' });

      await client.run(['rename-session', '-t', sessionId, 'renamed session ✓']);
      expect(
        await retryUntil(() => events.find((event) => event.kind === 'session-renamed' && event.sessionId === sessionId)),
      ).toEqual({ kind: 'session-renamed', sessionId, name: 'renamed session ✓' });

      await client.run(['refresh-client', '-B', 'current:%*:#{pane_current_command}']);
      const [controlPane] = await client.run(['display-message', '-p', '-t', `=${CONTROL_SESSION}:`, '#{pane_id}']);
      expect(
        await retryUntil(
          () => events.find((event) => event.kind === 'subscription-changed' && event.paneId === controlPane),
          { description: '%subscription-changed', timeoutMs: 5_000 },
        ),
      ).toMatchObject({ kind: 'subscription-changed', name: 'current', value: 'cat' });
      await client.killSession(sessionId);
    } finally {
      await client.close();
    }
  });

  it('reports pane flow control as pause and continue events', async () => {
    const { client } = await recordingClient();
    try {
      const paused: string[] = [];
      const continued: string[] = [];
      client.on('pause', (event) => paused.push(event.paneId));
      client.on('continue', (event) => continued.push(event.paneId));
      const { sessionId, windowId, paneId } = await client.newSession({ command: ['cat'] });
      await client.run(['link-window', '-d', '-s', windowId, '-t', `${CONTROL_SESSION}:`]);
      await client.run(['refresh-client', '-f', 'pause-after=10']);

      expect(await client.run(['refresh-client', '-A', `${paneId}:pause`])).toEqual([]);
      await retryUntil(() => paused.includes(paneId), { description: '%pause' });
      expect(await client.run(['refresh-client', '-A', `${paneId}:continue`])).toEqual([]);
      await retryUntil(() => continued.includes(paneId), { description: '%continue' });
      await client.killSession(sessionId);
    } finally {
      await client.close();
    }
  });

  it('reports exit and close when the server is killed', async () => {
    await using server = await createTestServer();
    const { client, events } = await recordingClient(server);
    const closed = new Promise<ConnectionCloseEvent>((resolve) => client.once('close', resolve));
    const exits: Notification[] = [];
    client.on('exit', (event) => exits.push(event));
    await client.killServer();
    expect((await closed).expected).toBe(false);
    expect(exits).toHaveLength(1);
    expect(events.at(-1)?.kind).toBe('exit');
    await client.close();
  });
});
