/**
 * A benchmark fleet: private tmux servers with panes full of known text, and
 * the cleanup that removes them again, also on Ctrl-C.
 *
 * @module
 */
import { ExecRunner, TmuxClient } from '../src/index.js';
import { createTestServer, retryUntil, type TestServer } from '../src/testing/index.js';

/** One pane of the fleet. */
export interface FleetPane {
  /** Position in the fleet, 0-based; the pane's text names it. */
  readonly index: number;
  /** `%N` on its server. */
  readonly id: string;
  /** Index into {@link Fleet.servers} (and `controlClients`, `execClients`). */
  readonly server: number;
}

/** Servers, clients and panes of a benchmark run. */
export interface Fleet {
  readonly servers: TestServer[];
  /** One control-mode client per server. */
  readonly controlClients: TmuxClient[];
  /** One process-per-command client per server. */
  readonly execClients: TmuxClient[];
  readonly panes: FleetPane[];
}

/** What {@link createFleet} builds. */
export interface FleetOptions {
  readonly panes: number;
  readonly servers: number;
  /** Lines of text each pane prints before it goes idle. */
  readonly linesPerPane: number;
  /** Panes are windows of one pane each, this many windows to a session. */
  readonly windowsPerSession: number;
}

/** The text of line `line` (1-based) that pane `index` prints. */
export function paneLine(index: number, line: number): string {
  return `pane ${index} line ${line}`;
}

/**
 * Starts the servers and panes and waits until every pane has printed all its
 * lines. Everything created is in `fleet` as soon as it exists, so
 * {@link destroyFleet} cleans up after a failure half-way.
 */
export async function createFleet(options: FleetOptions, fleet: Fleet = emptyFleet()): Promise<Fleet> {
  for (let s = 0; s < options.servers; s++) {
    const server = await createTestServer();
    fleet.servers.push(server);
    const client = await server.connect({ commandTimeoutMs: 60_000 });
    fleet.controlClients.push(client);
    await removeWhenOrphaned(client, server);
    fleet.execClients.push(new TmuxClient(new ExecRunner({ ...server.server, commandTimeoutMs: 60_000 })));
  }
  const indexes = Array.from({ length: options.panes }, (_, index) => index);
  await Promise.all(
    fleet.controlClients.map(async (client, server) => {
      const mine = indexes.filter((index) => index % options.servers === server);
      const sessions: string[] = [];
      // One session per `windowsPerSession` panes; its first window is the session's own.
      await Promise.all(
        mine.map(async (index, position) => {
          if (position % options.windowsPerSession !== 0) return;
          const created = await client.newSession({ command: paneCommand(index, options.linesPerPane) });
          sessions[position / options.windowsPerSession] = created.sessionId;
          fleet.panes.push({ index, id: created.paneId, server });
        }),
      );
      await Promise.all(
        mine.map(async (index, position) => {
          if (position % options.windowsPerSession === 0) return;
          const target = sessions[Math.floor(position / options.windowsPerSession)] as string;
          const created = await client.newWindow({ target, command: paneCommand(index, options.linesPerPane) });
          fleet.panes.push({ index, id: created.paneId, server });
        }),
      );
    }),
  );
  fleet.panes.sort((a, b) => a.index - b.index);
  const lastLine = (index: number): string => paneLine(index, options.linesPerPane);
  await retryUntil(
    async () => {
      const screens = await Promise.all(fleet.panes.map((pane) => capture(fleet.controlClients, pane)));
      return screens.every((lines, i) => lines.includes(lastLine((fleet.panes[i] as FleetPane).index)));
    },
    { timeoutMs: 120_000, intervalMs: 100, description: `${options.panes} panes to print ${options.linesPerPane} lines` },
  );
  return fleet;
}

/** A fleet with nothing in it yet. */
export function emptyFleet(): Fleet {
  return { servers: [], controlClients: [], execClients: [], panes: [] };
}

/** Lines of history each capture asks for (`capture-pane -S -50`). */
export const HISTORY_LINES = 50;

/** The capture every method measures: {@link HISTORY_LINES} lines of history plus the screen. */
export function capture(clients: readonly TmuxClient[], pane: FleetPane): Promise<string[]> {
  return (clients[pane.server] as TmuxClient).capturePane(pane.id, { start: -HISTORY_LINES });
}

/**
 * Kills the servers (which ends their control clients) and closes the
 * clients. Safe to call after a partial {@link createFleet}.
 */
export async function destroyFleet(fleet: Fleet): Promise<void> {
  await Promise.allSettled(fleet.servers.map((server) => server.kill()));
  await Promise.allSettled(fleet.controlClients.map((client) => client.close()));
}

/**
 * Runs `main` with a fresh fleet registered for cleanup: the fleet is
 * destroyed when `main` settles, and on SIGINT/SIGTERM (then the process
 * exits with 130/143).
 */
export async function withFleetCleanup<T>(main: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = emptyFleet();
  let destroying: Promise<void> | undefined;
  const destroy = (): Promise<void> => (destroying ??= destroyFleet(fleet));
  // Kept until the end (not `once`): Ctrl-C can deliver the signal twice (to
  // the whole process group and relayed by a parent such as tsx), and a second
  // one with no listener would end the process before the servers are gone.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (destroying === undefined) process.stderr.write(`\n${signal}: removing the benchmark's tmux servers\n`);
    void destroy().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await main(fleet);
  } finally {
    await destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Has the server remove itself once this process is gone, however it went (a
 * SIGKILL leaves no chance to clean up, and a fleet can be a thousand
 * processes): a background job of the server checks every second whether this
 * process still exists. It kills the server (its parent) with SIGKILL, since a
 * server told to exit politely waits for control clients whose reader is gone;
 * the panes' processes then get SIGHUP from their closed terminals.
 */
async function removeWhenOrphaned(client: TmuxClient, server: TestServer): Promise<void> {
  const directory = `'${server.directory.replaceAll("'", `'\\''`)}'`;
  const watchdog = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -KILL $PPID; rm -rf ${directory}`;
  await client.run(['run-shell', '-b', watchdog]);
}

function paneCommand(index: number, lines: number): string[] {
  // `seq` prints the lines of `paneLine` at once; `cat` then keeps the pane open and quiet.
  return ['/bin/sh', '-c', `seq -f 'pane ${index} line %g' 1 ${lines}; exec cat`];
}
