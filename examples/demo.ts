/**
 * Demo: a private tmux server with a few panes running small commands, all
 * read back through one control-mode connection, then timed against one
 * `tmux` process per command.
 *
 *   npm run demo -- [--panes 6]
 *
 * Nothing to configure; the server is removed at the end, on error and on
 * Ctrl-C.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExecRunner, runTmuxProcess, TmuxClient, type TmuxServerOptions } from '../src/index.js';
import { retryUntil } from '../src/testing/index.js';

/** Shell commands that print one distinct line each; panes past the list greet with their number. */
const COMMANDS = ['echo "hello from pane 1"', 'uname -sr', 'date -u +%H:%M:%S', 'echo $((6 * 7))', 'pwd', 'ls / | wc -l'];
const TIMED_CYCLES = 5;

const { values } = parseArgs({ options: { panes: { type: 'string', default: '6' } } });
const paneCount = Number(values.panes);
if (!Number.isInteger(paneCount) || paneCount < 1 || paneCount > 500) {
  console.error(`--panes must be an integer from 1 to 500, got ${values.panes}`);
  process.exit(2);
}

const directory = await mkdtemp(join(tmpdir(), 'tmux-orchestrator-demo-'));
const server: TmuxServerOptions = { socketPath: join(directory, 'tmux.sock'), configFile: '/dev/null' };
let connected: TmuxClient | undefined;
let removing: Promise<void> | undefined;
/**
 * Closes the connection, kills the server and deletes its socket directory;
 * once, whoever asks first. The connection goes first: a server that is told
 * to exit waits until its control clients have read everything, so one left
 * behind by this process would keep the server alive.
 */
const removeServer = (): Promise<void> =>
  (removing ??= (async () => {
    await connected?.close();
    await runTmuxProcess(server, ['kill-server']).catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  })());
const onSignal = (signal: NodeJS.Signals): void => {
  void removeServer().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  await demo();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await removeServer();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

async function demo(): Promise<void> {
  const client = await TmuxClient.connect({ ...server, startServer: true });
  connected = client;
  const version = (await client.run(['display-message', '-p', '#{version}']))[0] ?? '?';
  console.log(`tmux-orchestrator demo: ${paneCount} panes on a private tmux ${version} server\n`);

  // One session, one window per pane. Each command prints its line, then
  // `cat` keeps the pane open (and quiet) so there is something to read.
  const commands = Array.from({ length: paneCount }, (_, i) => COMMANDS[i] ?? `echo "hello from pane ${i + 1}"`);
  const first = await client.newSession({ name: 'demo', command: ['sh', '-c', `${commands[0]}; exec cat`], cwd: tmpdir() });
  const others = await Promise.all(
    commands.slice(1).map((command) =>
      client.newWindow({ target: first.sessionId, command: ['sh', '-c', `${command}; exec cat`], cwd: tmpdir() }),
    ),
  );
  const panes = [first.paneId, ...others.map((window) => window.paneId)];

  // Every command prints a single line: a pane is done once its screen has text.
  const captureAll = (): Promise<string[][]> => Promise.all(panes.map((pane) => client.capturePane(pane)));
  const screens = await retryUntil(
    async () => {
      const captured = await captureAll();
      return captured.every((screen) => screen.some((line) => line.trim() !== '')) ? captured : undefined;
    },
    { timeoutMs: 10_000, description: 'every pane to print its line' },
  );

  const width = Math.max(...commands.map((command) => command.length));
  console.log(`${'pane'.padEnd(6)}${'command'.padEnd(width + 2)}last line`);
  panes.forEach((pane, i) => {
    const lastLine = (screens[i] ?? []).findLast((line) => line.trim() !== '') ?? '';
    console.log(`${pane.padEnd(6)}${(commands[i] ?? '').padEnd(width + 2)}${lastLine.trim()}`);
  });

  // The same capture of every pane, two ways: pipelined over the one
  // connection, and one tmux process per pane (as shell scripts do).
  const exec = new TmuxClient(new ExecRunner(server));
  const pipelined = await medianMs(captureAll);
  const processes = await medianMs(async () => {
    for (const pane of panes) await exec.capturePane(pane);
  });
  console.log(`\ncapturing all ${paneCount} panes (median of ${TIMED_CYCLES} cycles):`);
  console.log(`  TmuxClient, one connection, commands pipelined  ${pipelined.toFixed(2).padStart(8)} ms`);
  console.log(`  one tmux process per command                    ${processes.toFixed(2).padStart(8)} ms`);
  console.log(`  the control connection is ${(processes / pipelined).toFixed(0)}x faster`);
}

/** Median duration of `TIMED_CYCLES` runs of `cycle`, after one untimed run. */
async function medianMs(cycle: () => Promise<unknown>): Promise<number> {
  await cycle();
  const samples: number[] = [];
  for (let i = 0; i < TIMED_CYCLES; i++) {
    const start = performance.now();
    await cycle();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}
