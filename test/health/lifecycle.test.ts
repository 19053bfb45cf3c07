import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { DIAGNOSTICS_CHANNELS, type HealthCycleMessage, type TmuxCommandMessage } from '../../src/diagnostics.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { HealthChecker } from '../../src/health/checker.js';
import type { HealthCheckerOptions } from '../../src/health/options.js';
import type { MonitorFactory } from '../../src/health/monitor.js';
import { pollMonitor } from '../../src/health/monitors/poll.js';
import { retryUntil } from '../../src/testing/index.js';
import { ControlConnection } from '../../src/tmux/connection.js';
import { healthFixture, type HealthFixture } from './support/fleet.js';

const SHELL = ['bash', '--norc', '--noprofile'];

let fixture: HealthFixture;
let agents: Agent[];
const checkers: HealthChecker[] = [];

beforeAll(async () => {
  fixture = await healthFixture();
  agents = [];
  for (const name of ['one', 'two']) agents.push(await fixture.orc.spawn({ name, kind: 'shell', command: SHELL, session: 'life' }));
});

afterEach(async () => {
  await Promise.all(checkers.splice(0).map((checker) => checker.close()));
});

afterAll(async () => {
  await fixture?.close();
});

function checker(options: Partial<HealthCheckerOptions> = {}): HealthChecker {
  const made = new HealthChecker({ agents: fixture.monitored, registry: fixture.orc.registry, mode: 'poll', ...options });
  checkers.push(made);
  return made;
}

/** Registers a poll monitor whose steps can be delayed, under a fresh name. */
function register(name: string, wrap: (base: ReturnType<MonitorFactory>) => Partial<ReturnType<MonitorFactory>>): string {
  fixture.orc.registry.register('monitor', name, (context) => {
    const base = pollMonitor(context);
    return { ...base, ...wrap(base) };
  });
  return name;
}

describe('HealthChecker lifecycle', () => {
  it('runs one cycle at a time: a check during a cycle waits for it, and the callers meanwhile share the next', async () => {
    let open: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (open = resolve));
    let syncing = 0;
    let most = 0;
    const mode = register('gated', (base) => ({
      async sync(panes, reads) {
        most = Math.max(most, ++syncing);
        await gate;
        syncing--;
        return base.sync(panes, reads);
      },
    }));
    const health = checker({ mode });
    const first = health.check();
    const second = health.check();
    const third = health.check();
    expect(third).toBe(second);
    open();
    gate = Promise.resolve();
    const reports = await Promise.all([first, second, third]);
    expect(reports.map((report) => report.cycle)).toEqual([1, 2, 2]);
    expect(reports[1]?.startedAt).toBeGreaterThanOrEqual((reports[0]?.startedAt ?? 0) + (reports[0]?.durationMs ?? 0) - 1);
    expect(most).toBe(1);
  });

  it('reports agents failed with ERR_OBSERVATION_TIMEOUT when their server does not answer in time, and goes on', async () => {
    let stuck = true;
    const mode = register('stuck-once', () => ({
      beforeCapture: () => (stuck ? new Promise<void>(() => undefined) : Promise.resolve()),
    }));
    const health = checker({ mode, observeTimeoutMs: 200 });
    const failed = await health.check();
    expect(failed.durationMs).toBeGreaterThanOrEqual(190);
    expect(failed.durationMs).toBeLessThan(2_000);
    expect(failed.errors).toBe(2);
    for (const line of failed.agents) {
      expect(line).toMatchObject({ health: 'failed', captured: false, error: { code: 'ERR_OBSERVATION_TIMEOUT' } });
    }
    stuck = false;
    const next = await health.check();
    expect(next.errors).toBe(0);
    expect(next.agents.map((line) => line.health)).toEqual(['healthy', 'healthy']);
  });

  it('captures through its own client the panes a strategy handed over at sync on a connection that died', async () => {
    const lost = await ControlConnection.open({ ...fixture.tmux.server });
    await lost.close();
    const mode = register('lost-sync-reads', (base) => ({
      async sync(panes, reads) {
        reads.capture(
          panes.map((pane) => pane.paneId),
          lost,
        );
        return base.sync(panes, reads);
      },
    }));
    const commands: string[] = [];
    const onCommand = (message: unknown): void => void commands.push((message as TmuxCommandMessage).command);
    const health = checker({ mode });
    subscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    try {
      const report = await health.check();
      expect(report.errors).toBe(0);
      expect(report.captures).toBe(agents.length);
      expect(report.agents.map((line) => line.state)).toEqual(agents.map(() => 'idle'));
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.tmuxCommand, onCommand);
    }
    expect(commands.filter((command) => command === 'capture-pane')).toHaveLength(agents.length);
  });

  it('runs continuously until stopped, never overlapping cycles', async () => {
    const health = checker({ intervalMs: 20 });
    const cycles: number[] = [];
    health.on('cycle', (report) => cycles.push(report.cycle));
    health.start();
    health.start();
    expect(health.running).toBe(true);
    await retryUntil(() => cycles.length >= 3, { description: 'three cycles' });
    health.stop();
    expect(health.running).toBe(false);
    const last = await health.check(); // after the cycle under way, if any
    const count = cycles.length;
    await delay(100); // five intervals: no cycle may start by itself
    expect(cycles.length).toBe(count);
    expect(cycles).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(last.cycle).toBe(count);
  });

  it('emits error for a cycle that fails as a whole, and keeps cycling', async () => {
    let calls = 0;
    const health = checker({
      intervalMs: 10,
      agents: () => {
        calls++;
        if (calls === 2) throw new InvalidArgumentError('fleet unavailable');
        return fixture.monitored();
      },
    });
    const errors: string[] = [];
    health.on('error', (error) => errors.push(error.message));
    let cycles = 0;
    health.on('cycle', () => cycles++);
    health.start();
    await retryUntil(() => cycles >= 3, { description: 'three good cycles' });
    expect(errors).toEqual(['fleet unavailable']);
  });

  it('emits state changes once, publishes each cycle, and keeps the latest report', async () => {
    const messages: HealthCycleMessage[] = [];
    const onMessage = (message: unknown): void => void messages.push(message as HealthCycleMessage);
    subscribe(DIAGNOSTICS_CHANNELS.healthCycle, onMessage);
    try {
      const health = checker();
      const changes: string[] = [];
      health.on('agent:state', ({ agent, from, to }) => changes.push(`${agent.name} ${from}→${to}`));
      const report = await retryUntil(
        async () => {
          const cycle = await health.check();
          return cycle.agents.every((line) => line.state === 'idle') ? cycle : undefined;
        },
        { description: 'both shells idle' },
      );
      await health.check();
      expect(changes.sort()).toEqual(['one starting→idle', 'two starting→idle']);
      const last = health.lastReport;
      expect(last?.cycle).toBe(report.cycle + 1);
      expect(health.report('two')).toBe(last?.agents[1]);
      expect(health.report('nobody')).toBeUndefined();
      expect(messages.at(-1)).toEqual({ cycle: last?.cycle, durationMs: last?.durationMs, mode: 'poll', agents: 2, captures: 2, errors: 0, states: { idle: 2 } });
      expect(last).toMatchObject({ mode: 'poll', captures: 2, cacheHits: 0, servers: 1 });
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.healthCycle, onMessage);
    }
  });

  it('closes idempotently, also through await using, and refuses to work after', async () => {
    const health = checker();
    {
      await using disposable = health;
      await disposable.check();
    }
    await health.close();
    expect(health.running).toBe(false);
    await expect(health.check()).rejects.toMatchObject({ code: 'ERR_MONITOR_CLOSED' });
    expect(() => health.start()).toThrow(expect.objectContaining({ code: 'ERR_MONITOR_CLOSED' }));
  });

  it('uses a strategy registered under a built-in name instead of the built-in', async () => {
    const made: string[] = [];
    const unregister = fixture.orc.registry.register('monitor', 'poll', (context) => {
      made.push(context.timeoutMs.toString());
      return pollMonitor(context);
    });
    try {
      await checker({ observeTimeoutMs: 1234 }).check();
      expect(made).toEqual(['1234']);
    } finally {
      unregister();
    }
  });

  it('restarts a busy agent safely while events-mode cycles run (guardRespawn)', async () => {
    const busy = await fixture.orc.spawn({ name: 'busy', kind: 'shell', command: ['sh', '-c', 'while :; do printf "%0720d\\n" 0; done'], session: 'busy' });
    try {
      const health = checker({ mode: 'events' });
      await health.check();
      for (let round = 0; round < 8; round++) {
        // Restarting while a cycle resumes the pane's output is what crashes tmux 3.3a without the guard.
        await Promise.all([health.check(), delay(round % 4).then(() => health.guardRespawn(busy, () => busy.restart()))]);
      }
      const report = await health.check();
      expect(report.errors).toBe(0);
      expect(await fixture.client.hasSession('busy')).toBe(true);
    } finally {
      await busy.kill();
    }
  });
});
