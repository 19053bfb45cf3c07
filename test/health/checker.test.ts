import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { DIAGNOSTICS_CHANNELS, type TmuxCommandMessage } from '../../src/diagnostics.js';
import { HealthChecker } from '../../src/health/checker.js';
import { TmuxClient } from '../../src/tmux/client.js';
import { MONITOR_SESSION_PREFIX } from '../../src/health/monitors/events.js';
import type { CycleReport } from '../../src/health/report.js';
import { SCREEN_LAYER, screenKey } from '../../src/health/screens.js';
import { retryUntil } from '../../src/testing/index.js';
import { lightAgentCommand } from '../../src/testing/fake-agent/light.js';
import { healthFixture, monitoredAgent, type HealthFixture } from './support/fleet.js';

const SHELL = ['bash', '--norc', '--noprofile'];

let fixture: HealthFixture;
const checkers: HealthChecker[] = [];

beforeAll(async () => {
  fixture = await healthFixture();
});

afterEach(async () => {
  await Promise.all(checkers.splice(0).map((checker) => checker.close()));
  // One at a time: tmux 3.3a can crash when several clients kill a session's last panes at once.
  for (const agent of fixture.orc.agents) await agent.kill().catch(() => undefined);
});

afterAll(async () => {
  await fixture?.close();
});

function checker(options: Partial<ConstructorParameters<typeof HealthChecker>[0]> = {}): HealthChecker {
  const made = new HealthChecker({ agents: fixture.monitored, registry: fixture.orc.registry, ...options });
  checkers.push(made);
  return made;
}

/** The agent's screen in the checker's cache, which drops it when the monitor learns that the pane printed. */
function cachedScreen(health: HealthChecker, agent: Agent): readonly string[] | undefined {
  return health.cache.peek<readonly string[]>(SCREEN_LAYER, screenKey(agent.server, agent.paneId));
}

function line(report: CycleReport, agent: Agent) {
  const found = report.agents.find((candidate) => candidate.agent === agent.name);
  if (found === undefined) throw new Error(`${agent.name} missing from the report`);
  return found;
}

/**
 * Has a shell agent print `marker` (split on the command line, so only the
 * output shows it whole), and waits until tmux shows it with the prompt
 * after it: the shell's last output.
 */
async function printMarker(agent: Agent, marker: string): Promise<void> {
  await fixture.client.sendText(agent.paneId, `echo ${marker.slice(0, 4)}''${marker.slice(4)}\n`);
  await retryUntil(
    async () => {
      const lines = await fixture.client.capturePane(agent.paneId);
      const at = lines.indexOf(marker);
      return at >= 0 && lines.slice(at + 1).some((text) => /[$#] *$/u.test(text));
    },
    { description: marker },
  );
}

async function shell(name: string): Promise<Agent> {
  const agent = await fixture.orc.spawn({ name, kind: 'shell', command: SHELL, session: 'health' });
  await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).some((text) => /[$#] *$/u.test(text)), {
    description: `${name}'s prompt`,
  });
  return agent;
}

const screenOf = (agent: Agent): string => (fixture.screens.get(agent.paneId)?.lines ?? []).join('\n');

describe.each(['events', 'poll'] as const)('HealthChecker, %s mode', (mode) => {
  it('shows what an agent printed in the very next cycle', async () => {
    const agents = await Promise.all([shell(`${mode}-a`), shell(`${mode}-b`), shell(`${mode}-c`)]);
    const health = checker({ mode });
    await health.check();
    const quiet = await health.check();
    if (mode === 'events') expect(agents.map((agent) => line(quiet, agent).captured)).toEqual([false, false, false]);

    for (let round = 1; round <= 5; round++) {
      const target = agents[round % agents.length] as Agent;
      const marker = `MARK-${mode}-${round}`;
      await printMarker(target, marker); // once tmux shows it, the next cycle must see it
      const report = await health.check();
      expect(line(report, target).captured).toBe(true);
      expect(screenOf(target)).toContain(marker);
      expect(health.screen(target)).toContain(marker);
      expect(line(report, target).lastOutputAt).toBeGreaterThanOrEqual(quiet.startedAt);
    }
  });

  it('reports a killed agent exited within two cycles, once', async () => {
    const agent = await shell(`${mode}-victim`);
    const health = checker({ mode });
    const exited: string[] = [];
    health.on('agent:exited', (event) => exited.push(event.agent.name));
    await health.check();
    const [pid] = await fixture.client.run(['display-message', '-p', '-t', agent.paneId, '#{pane_pid}']);
    process.kill(Number(pid), 'SIGKILL');
    await retryUntil(async () => (await fixture.client.displayMessage('#{pane_dead}', { target: agent.paneId })) === '1', {
      description: 'the pane to die',
    });
    const first = await health.check();
    const second = await health.check();
    expect([line(first, agent).health, line(second, agent).health]).toContain('exited');
    expect(line(second, agent).state).toBe('exited');
    expect(exited).toEqual([agent.name]);
  });
});

describe('HealthChecker, poll mode', () => {
  it('reads a screen captured again unchanged once, and a changed one again', async () => {
    const agents = await Promise.all(
      Array.from({ length: 3 }, (_, i) => fixture.orc.spawn({ name: `same-${i}`, kind: 'claude-code', command: lightAgentCommand({ name: `same-${i}` }), session: 'same' })),
    );
    const reads = new Map<string, number>();
    const counted = agents.map((agent) =>
      monitoredAgent(agent, fixture.orc.registry.get('detector', 'claude-code')(), fixture.client, () => reads.set(agent.paneId, (reads.get(agent.paneId) ?? 0) + 1)),
    );
    const health = checker({ mode: 'poll', agents: () => counted });
    await retryUntil(async () => (await health.check()).agents.every((report) => report.state === 'idle'), { description: 'the agents to draw' });
    reads.clear();
    for (let i = 0; i < 3; i++) {
      const report = await health.check();
      expect(report.captures).toBe(agents.length);
      expect(report.agents.map((entry) => entry.state)).toEqual(['idle', 'idle', 'idle']);
    }
    expect(reads.size).toBe(0);

    // Narrower than its rules: tmux rewraps them, and the screen changes.
    const [changed] = agents as [Agent];
    const before = (await fixture.client.capturePane(changed.paneId)).join('\n');
    await fixture.client.run(['resize-window', '-t', changed.paneId, '-x', '60']);
    await retryUntil(async () => (await fixture.client.capturePane(changed.paneId)).join('\n') !== before, { description: 'the screen to change' });
    const report = await health.check();
    expect(line(report, changed).state).toBe('idle');
    expect([...reads]).toEqual([[changed.paneId, 1]]);
  });
});

describe('HealthChecker, events mode', () => {
  it('captures only the panes that wrote output and serves the others from the cache', async () => {
    const idle = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fixture.orc.spawn({ name: `idle-${i}`, kind: 'claude-code', command: lightAgentCommand({ name: `idle-${i}` }), session: 'light' })),
    );
    const active = await fixture.orc.spawn({
      name: 'active',
      kind: 'claude-code',
      command: lightAgentCommand({ name: 'active', active: true, intervalMs: 50 }),
      session: 'light',
    });
    const health = checker({ mode: 'events' });
    // Until every idle agent has drawn its screen and been captured once.
    await retryUntil(
      async () => {
        const report = await health.check();
        return idle.every((agent) => line(report, agent).state === 'idle' && !line(report, agent).captured);
      },
      { timeoutMs: 10_000, description: 'the idle agents to settle' },
    );
    for (let i = 0; i < 3; i++) {
      const before = await fixture.client.capturePane(active.paneId);
      await retryUntil(async () => (await fixture.client.capturePane(active.paneId)).join('\n') !== before.join('\n'), {
        description: 'the active agent to print',
      });
      const report = await health.check();
      expect(report.captures).toBe(1);
      expect(report.cacheHits).toBe(idle.length);
      expect(line(report, active)).toMatchObject({ captured: true, state: 'working', health: 'healthy' });
      for (const agent of idle) expect(line(report, agent)).toMatchObject({ captured: false, state: 'idle' });
    }
    for (const agent of idle) expect(cachedScreen(health, agent)).toBeDefined();
    // Printing between every two cycles, its output stays paused, so its screen is not cached; the checker has it.
    expect(cachedScreen(health, active)).toBeUndefined();
    expect(health.screen(active)?.join('\n')).toContain('active output');
  });

  it('captures a pane that wrote output in the round trip of the sync, on its own client: none through the command pool', async () => {
    const idle = await fixture.orc.spawn({ name: 'rt-idle', kind: 'claude-code', command: lightAgentCommand({ name: 'rt-idle' }), session: 'round-trip' });
    const active = await fixture.orc.spawn({
      name: 'rt-active',
      kind: 'claude-code',
      command: lightAgentCommand({ name: 'rt-active', active: true, intervalMs: 50 }),
      session: 'round-trip',
    });
    const sent: string[] = [];
    const counting = new TmuxClient({ run: (argv, options) => (sent.push(argv[0] as string), fixture.client.run(argv, options)) });
    const monitored = [idle, active].map((agent) => monitoredAgent(agent, fixture.orc.registry.get('detector', 'claude-code')(), counting));
    const health = checker({ mode: 'events', agents: () => monitored });
    await retryUntil(async () => line(await health.check(), idle).state === 'idle' && line(await health.check(), idle).captured === false, {
      description: 'the idle agent to settle',
    });
    for (let i = 0; i < 3; i++) {
      // Until the monitor has had the pane's %output (which drops its cached screen), not merely until it printed.
      await retryUntil(() => cachedScreen(health, active) === undefined, { description: 'the monitor to see the active agent print' });
      sent.length = 0;
      const report = await health.check();
      expect(line(report, active)).toMatchObject({ captured: true, state: 'working' });
      expect(line(report, idle)).toMatchObject({ captured: false, state: 'idle' });
      expect(sent).not.toContain('capture-pane');
    }
  });

  it('reads the foreground processes of the panes it captures in one command line, answered with their screens', async () => {
    // Shells running `cat`: a line typed into one prints it (twice: the echo, then cat), and nothing else does.
    const agents = await Promise.all([1, 2, 3].map((i) => shell(`seq-${i}`)));
    for (const agent of agents) await fixture.client.sendText(agent.paneId, 'cat\n');
    for (const agent of agents) {
      await retryUntil(async () => (await fixture.client.displayMessage('#{pane_current_command}', { target: agent.paneId })) === 'cat', { description: 'cat' });
    }
    const health = checker({ mode: 'events' });
    await retryUntil(async () => (await health.check()).captures === 0, { description: 'the agents to be served from the cache' });
    const commands: string[] = [];
    const onCommand = (message: unknown): void => void commands.push((message as TmuxCommandMessage).command);
    subscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    try {
      for (let round = 1; round <= 3; round++) {
        for (const agent of agents) await fixture.client.sendText(agent.paneId, `line-${round}\n`);
        // Until the monitor has had every pane's %output (which drops its cached screen).
        await retryUntil(() => agents.every((agent) => cachedScreen(health, agent) === undefined), { description: 'the monitor to see every agent print' });
        commands.length = 0;
        const report = await health.check();
        for (const agent of agents) expect(line(report, agent)).toMatchObject({ captured: true, state: 'working' });
        expect(commands.filter((command) => command === 'capture-pane')).toHaveLength(agents.length);
        expect(commands.filter((command) => command === 'display-message')).toHaveLength(1);
        // A cycle without output in between: a pane that printed before two cycles in a row would be busy,
        // its process read only on the rotation.
        expect((await health.check()).captures).toBe(0);
      }
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    }
  });

  it('sends no pause or resume per cycle for an agent that prints between every two cycles', async () => {
    const agent = await fixture.orc.spawn({
      name: 'busy-light',
      kind: 'claude-code',
      command: lightAgentCommand({ name: 'busy-light', active: true, intervalMs: 20 }),
      session: 'busy-light',
    });
    const health = checker({ mode: 'events', intervalMs: 100 });
    const commands: string[] = [];
    const onCommand = (message: unknown): void => void commands.push((message as TmuxCommandMessage).command);
    const reports: CycleReport[] = [];
    // From the fourth cycle on: by then it has printed between two cycles in a row, and its output is paused.
    health.on('cycle', (report) => void (reports.push(report) === 4 && (commands.length = 0)));
    subscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    try {
      health.start();
      await retryUntil(() => reports.length >= 12, { timeoutMs: 20_000, description: '12 cycles' });
      health.stop();
      for (const report of reports.slice(4)) expect(line(report, agent)).toMatchObject({ captured: true, state: 'working' });
      expect(commands.filter((command) => command === 'refresh-client')).toEqual([]);
      // Nor a read of its process with each capture: only its turn in the rotation (one cycle in 16).
      expect(commands.filter((command) => command === 'display-message').length).toBeLessThanOrEqual(1);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    }
  });

  it('reads an agent that prints between every two cycles afresh at each, and serves it from the cache once it is quiet', async () => {
    const agent = await shell('busy');
    const health = checker({ mode: 'events' });
    await retryUntil(async () => !line(await health.check(), agent).captured, { description: 'the agent to be watched, and served from the cache' });
    for (let round = 1; round <= 5; round++) {
      const marker = `BUSY-${round}`;
      await printMarker(agent, marker);
      const report = await health.check();
      expect(line(report, agent).captured).toBe(true);
      expect(screenOf(agent)).toContain(marker);
    }
    // Quiet: a capture finds its screen unchanged, the next resumes its output; then the cache serves it.
    await retryUntil(async () => !line(await health.check(), agent).captured, { description: 'the quiet agent to be served from the cache' });
    await printMarker(agent, 'BACK-1');
    const report = await health.check();
    expect(line(report, agent).captured).toBe(true);
    expect(screenOf(agent)).toContain('BACK-1');
  });

  it('reports exited, once its screen settles, a program that printed until it gave the shell back', async () => {
    const agent = await fixture.orc.spawn({ name: 'gives-back', kind: 'claude-code', command: SHELL, session: 'gives-back' });
    await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).some((text) => /[$#] *$/u.test(text)), { description: 'the prompt' });
    // A light agent drawing a frame every 20 ms for 2 s, started from the shell (`timeout` in front, then the shell again).
    const directory = await mkdtemp(join(tmpdir(), 'tmo-gives-back-'));
    const script = join(directory, 'run.sh');
    const quote = (argument: string): string => `'${argument.replaceAll("'", `'\\''`)}'`;
    await writeFile(script, `${['timeout', '2', ...lightAgentCommand({ name: 'gives-back', active: true, intervalMs: 20 })].map(quote).join(' ')}\n`);
    try {
      const health = checker({ mode: 'events' });
      await fixture.client.sendText(agent.paneId, `. ${script}\n`);
      await retryUntil(async () => line(await health.check(), agent).state === 'working', { description: 'the program to be seen working' });
      await retryUntil(async () => (await fixture.client.displayMessage('#{pane_current_command}', { target: agent.paneId })) === 'bash', {
        description: 'the shell to be back',
      });
      let cycles = 0;
      await retryUntil(
        async () => {
          cycles++;
          return line(await health.check(), agent).state === 'exited';
        },
        { description: 'exited' },
      );
      // While it printed at every cycle its process was not read with its captures. After it: its last frames
      // and the prompt; the same screen (unchanged: no longer busy); its process read (`exited`); confirmed.
      // A program whose process is read at each capture is seen `exited` in the first cycle and confirmed in the second.
      expect(cycles).toBeLessThanOrEqual(4);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('links agent windows without changing their size or listing them twice, and removes its session on close', async () => {
    const wide = await fixture.client.newSession({ name: 'wide', width: 132, height: 43, command: SHELL });
    const agent = await fixture.orc.adopt(wide.paneId, { name: 'wide', kind: 'shell' });
    const other = await shell('narrow');
    const sizes = async (): Promise<Map<string, string>> =>
      new Map(
        (await fixture.client.run(['list-windows', '-a', '-F', '#{window_id} #{window_width}x#{window_height}'])).map(
          (row) => row.split(' ') as [string, string],
        ),
      );
    const before = await sizes();
    const health = checker({ mode: 'events' });
    await health.check();

    const sessions = await fixture.client.listSessions({ includeControl: true });
    const monitorSessions = sessions.filter((session) => session.name.startsWith(MONITOR_SESSION_PREFIX));
    expect(monitorSessions).toHaveLength(1);
    const linked = await fixture.client.run(['list-windows', '-t', `=${monitorSessions[0]?.name ?? ''}`, '-F', '#{window_id}']);
    expect(linked).toEqual(expect.arrayContaining([wide.windowId]));
    const agentWindows = async (): Promise<Map<string, string>> => new Map([...(await sizes())].filter(([id]) => before.has(id)));
    expect(await agentWindows()).toEqual(before);
    expect(before.get(wide.windowId)).toBe('132x43');

    const panes = (await fixture.client.listPanes()).map((pane) => pane.id);
    expect(panes.filter((id) => id === agent.paneId || id === other.paneId).sort()).toEqual([agent.paneId, other.paneId].sort());
    expect(await fixture.orc.discover()).toEqual([]);
    const report = await health.check();
    expect(report.agents.map((entry) => entry.agent).sort()).toEqual(['narrow', 'wide']);

    await health.close();
    await health.close();
    await retryUntil(
      async () => !(await fixture.client.listSessions({ includeControl: true })).some((session) => session.name.startsWith(MONITOR_SESSION_PREFIX)),
      { description: 'the monitor session to go' },
    );
    expect(await sizes()).toEqual(before);
    await expect(health.check()).rejects.toMatchObject({ code: 'ERR_MONITOR_CLOSED' });
  });

  it('reports an agent whose session was killed as exited (the monitor link does not keep it alive)', async () => {
    const agent = await fixture.orc.spawn({ name: 'doomed', kind: 'shell', command: SHELL, session: 'doomed' });
    const health = checker({ mode: 'events' });
    await health.check();
    await fixture.client.killSession('=doomed');
    const exited = await retryUntil(async () => line(await health.check(), agent).health === 'exited', { description: 'doomed to exit' });
    expect(exited).toBe(true);
    expect(await fixture.client.hasSession('doomed')).toBe(false);
    expect((await fixture.client.run(['list-panes', '-a', '-F', '#{pane_id}'])).includes(agent.paneId)).toBe(false);
  });

  it('captures a pane that moved to a window the monitor had not linked yet', async () => {
    const agent = await shell('mover');
    const health = checker({ mode: 'events' });
    await health.check();
    expect(line(await health.check(), agent).captured).toBe(false);
    const other = await fixture.client.newWindow({ target: '=health', command: ['cat'] });
    await fixture.client.run(['move-pane', '-d', '-s', agent.paneId, '-t', other.paneId]);
    await fixture.client.sendText(agent.paneId, "echo MOVED''-MARK\n");
    await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).includes('MOVED-MARK'), { description: 'the marker' });
    const report = await health.check();
    expect(line(report, agent).captured).toBe(true);
    expect(screenOf(agent)).toContain('MOVED-MARK');
    // Linked by now: its next output is reported as usual.
    await fixture.client.sendText(agent.paneId, "echo AGAIN''-MARK\n");
    await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).includes('AGAIN-MARK'), { description: 'the second marker' });
    await health.check();
    expect(screenOf(agent)).toContain('AGAIN-MARK');
    await fixture.client.killPane(other.paneId);
  });

  it('sees the output of an agent that left the fleet and came back', async () => {
    const agent = await shell('returning');
    await shell('staying'); // keeps the server's monitor (and its client) alive meanwhile
    let present = true;
    const health = checker({ mode: 'events', agents: () => fixture.monitored().filter((entry) => present || entry.agent !== agent) });
    await health.check();
    // It prints, so the monitor pauses its output, and it leaves before its next capture.
    await fixture.client.sendText(agent.paneId, "echo FIRST''-MARK\n");
    await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).includes('FIRST-MARK'), { description: 'the marker' });
    present = false;
    await health.check();
    present = true;
    expect(line(await health.check(), agent).captured).toBe(true);
    await fixture.client.sendText(agent.paneId, "echo BACK''-MARK\n");
    await retryUntil(async () => (await fixture.client.capturePane(agent.paneId)).includes('BACK-MARK'), { description: 'the second marker' });
    const report = await health.check();
    expect(line(report, agent).captured).toBe(true);
    expect(screenOf(agent)).toContain('BACK-MARK');
  });

  it('flags a working agent with no output for stallAfterMs as stalled, once', async () => {
    // A screen the claude-code detector reads as working, then silence.
    const agent = await fixture.orc.spawn({
      name: 'stuck',
      kind: 'claude-code',
      command: lightAgentCommand({ name: 'stuck', active: true, intervalMs: 600_000 }),
      session: 'stall',
    });
    const health = checker({ mode: 'events', stallAfterMs: 300 });
    const stalled: string[] = [];
    health.on('agent:stalled', (event) => stalled.push(event.agent.name));
    const watchedFrom = Date.now();
    await retryUntil(async () => line(await health.check(), agent).state === 'working', { description: 'stuck to work' });
    const report = await retryUntil(
      async () => {
        const cycle = await health.check();
        return line(cycle, agent).health === 'stalled' ? cycle : undefined;
      },
      { timeoutMs: 5_000, description: 'stuck to stall' },
    );
    // Quiet since its last output, or since the monitor first saw it. `startedAt` is Date.now(), whole
    // milliseconds, so the cycle's end reckoned from it may fall short of the clock by up to 1 ms.
    expect(report.startedAt + report.durationMs - (line(report, agent).lastOutputAt ?? watchedFrom)).toBeGreaterThanOrEqual(299);
    await health.check();
    expect(stalled).toEqual(['stuck']);
  });
});
