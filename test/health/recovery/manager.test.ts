import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { EventEmitter } from 'eventemitter3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/agents/agent.js';
import type { AgentState } from '../../../src/agents/state.js';
import { DIAGNOSTICS_CHANNELS, type RecoveryMessage } from '../../../src/diagnostics.js';
import type { HealthCheckerEvents } from '../../../src/health/events.js';
import { RecoveryError } from '../../../src/health/recovery/errors.js';
import type { RecoveryActionEvent, RecoveryEvents } from '../../../src/health/recovery/events.js';
import { BUILTIN_RECOVERIES } from '../../../src/health/recovery/index.js';
import { RecoveryManager, type RecoveryManagerOptions } from '../../../src/health/recovery/manager.js';
import type { RecoveryTrigger } from '../../../src/health/recovery/strategy.js';
import { Orchestrator } from '../../../src/orchestrator.js';
import { StrategyRegistry } from '../../../src/strategies/registry.js';
import { lightAgentCommand } from '../../../src/testing/fake-agent/light.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, retryUntil, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { agentReport, cycleReport } from './support.js';
import { QUIET_ORCHESTRATOR } from '../support/fleet.js';

declare module '../../../src/health/recovery/strategy.js' {
  interface RecoveryStrategyNames {
    /** Takes a while and records how many calls overlap (the serialisation test). */
    slow: true;
  }
}

let tmux: TestServer;
let client: TmuxClient;
let orc: Orchestrator;
let pm: Agent;
let worker: Agent;
let spawned = 0;

async function lightAgent(): Promise<Agent> {
  const name = `light-${++spawned}`;
  return orc.spawn({ name, kind: 'claude-code', command: lightAgentCommand({ name }) });
}

async function panePid(agent: Agent): Promise<number | undefined> {
  return (await client.listPanes(agent.paneId))[0]?.pid;
}

/** A manager driven by a plain emitter of the checker's events, recording every event it emits. */
function harness(options: Partial<RecoveryManagerOptions> = {}) {
  const source = new EventEmitter<HealthCheckerEvents>();
  const manager = new RecoveryManager({ source, fleet: orc, ...options });
  const events: { name: keyof RecoveryEvents; event: Parameters<RecoveryEvents[keyof RecoveryEvents]>[0] }[] = [];
  for (const name of ['recovery', 'recovery:gave-up', 'recovery:escalated', 'recovery:failed'] as const) {
    manager.on(name, (event: Parameters<RecoveryEvents[typeof name]>[0]) => events.push({ name, event }));
  }
  const actions = (agent: Agent): RecoveryActionEvent[] =>
    events.filter((entry) => entry.name === 'recovery' && entry.event.agent === agent).map((entry) => entry.event as RecoveryActionEvent);
  const outcomes = (agent: Agent): string[] => actions(agent).map(({ trigger, action }) => `${trigger}:${action.outcome}`);
  const exited = (agent: Agent): boolean => source.emit('agent:exited', { agent, report: agentReport(agent, 'exited') });
  const state = (agent: Agent, from: AgentState, to: AgentState, detection = {}): boolean =>
    source.emit('agent:state', { agent, report: agentReport(agent, to, detection), from, to });
  return { source, manager, events, actions, outcomes, exited, state };
}

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  orc = await Orchestrator.start({ servers: [tmux.server], ...QUIET_ORCHESTRATOR });
  [pm, worker] = await Promise.all([
    orc.spawn({ name: 'pm', kind: 'claude-code', command: fakeAgentCommand({ log: join(tmux.directory, 'pm.jsonl'), script: { workMs: 10 } }) }),
    orc.spawn({ name: 'worker', kind: 'claude-code', command: fakeAgentCommand({ log: join(tmux.directory, 'worker.jsonl'), script: { workMs: 10 } }) }),
  ]);
  await Promise.all(
    [pm, worker].map((agent) => retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 30_000, description: `${agent.name} idle` })),
  );
}, 60_000);

afterAll(async () => {
  await orc?.close();
  await client?.close();
  await tmux?.kill();
});

describe('RecoveryManager', () => {
  it('restarts an exited agent after the backoff, reporting each step as an event and a diagnostics message', async () => {
    const agent = await lightAgent();
    const before = await panePid(agent);
    const messages: RecoveryMessage[] = [];
    const listener = (message: unknown): void => void messages.push(message as RecoveryMessage);
    subscribe(DIAGNOSTICS_CHANNELS.recovery, listener);
    const { manager, actions, outcomes, exited } = harness({ strategies: { restart: { initialDelayMs: 50 } } });
    try {
      exited(agent);
      await retryUntil(() => outcomes(agent).length === 2);
      expect(outcomes(agent)).toEqual(['exited:scheduled', 'exited:restarted']);
      expect(actions(agent).map(({ strategy, attempt }) => `${strategy}#${attempt}`)).toEqual(['restart#1', 'restart#1']);
      expect(messages.filter((message) => message.agent === agent.name)).toEqual([
        { agent: agent.name, strategy: 'restart', trigger: 'exited', outcome: 'scheduled' },
        { agent: agent.name, strategy: 'restart', trigger: 'exited', outcome: 'restarted' },
      ]);
      await retryUntil(async () => (await panePid(agent)) !== before);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.recovery, listener);
      await manager.close();
    }
  });

  it('backs off further for each exit, until the agent has been healthy long enough', async () => {
    const agent = await lightAgent();
    const { manager, actions, exited, source } = harness({ strategies: { restart: { initialDelayMs: 20, factor: 4 } }, resetAfterMs: 1000 });
    const restarts = (count: number): Promise<unknown> => retryUntil(() => actions(agent).filter((e) => e.action.outcome === 'restarted').length === count);
    exited(agent);
    await restarts(1);
    exited(agent);
    await restarts(2);
    expect(actions(agent).map((e) => `${e.attempt}:${e.action.detail ?? ''}`).filter((line) => line.includes('restart in'))).toEqual([
      '1:restart in 20 ms (attempt 1)',
      '2:restart in 80 ms (attempt 2)',
    ]);
    // Healthy in two cycles 1 s apart: attempts start again from 1. One healthy cycle is not enough.
    const t0 = Date.now();
    source.emit('cycle', cycleReport(1, [agentReport(agent, 'idle')], t0));
    source.emit('cycle', cycleReport(2, [agentReport(agent, 'working')], t0 + 500));
    exited(agent);
    await restarts(3);
    source.emit('cycle', cycleReport(3, [agentReport(agent, 'idle')], t0 + 2000));
    source.emit('cycle', cycleReport(4, [agentReport(agent, 'starting')], t0 + 2500));
    source.emit('cycle', cycleReport(5, [agentReport(agent, 'idle')], t0 + 3000));
    source.emit('cycle', cycleReport(6, [agentReport(agent, 'waiting')], t0 + 4000));
    exited(agent);
    await restarts(4);
    expect(actions(agent).filter((e) => e.action.outcome === 'restarted').map((e) => e.attempt)).toEqual([1, 2, 3, 1]);
    await manager.close();
  });

  it('runs one action at a time per agent, in order, and different agents at once', async () => {
    const [a, b] = await Promise.all([lightAgent(), lightAgent()]);
    const running = new Map<Agent, number>();
    let most = 0;
    let together = 0;
    const order: string[] = [];
    const registry = new StrategyRegistry();
    for (const [name, factory] of Object.entries(BUILTIN_RECOVERIES)) registry.register('recovery', name, factory);
    registry.register('recovery', 'slow', () => ({
      name: 'slow',
      async recover({ agent, trigger }) {
        running.set(agent, (running.get(agent) ?? 0) + 1);
        most = Math.max(most, running.get(agent) ?? 0);
        together = Math.max(together, [...running.values()].reduce((sum, count) => sum + count, 0));
        await new Promise((resolve) => setTimeout(resolve, 40));
        running.set(agent, (running.get(agent) ?? 1) - 1);
        order.push(`${agent.name}:${trigger}`);
        return { outcome: 'notified' };
      },
    }));
    const policy = { exited: 'slow', stalled: 'slow', errored: 'slow', 'rate-limited': 'slow' } as const;
    const { manager, source, outcomes, exited, state } = harness({ registry, policy });
    for (const agent of [a, b]) {
      exited(agent);
      state(agent, 'idle', 'errored');
      source.emit('agent:stalled', { agent, report: agentReport(agent, 'working') });
    }
    await retryUntil(() => outcomes(a).length === 3 && outcomes(b).length === 3);
    expect(most).toBe(1);
    expect(together).toBe(2);
    expect(order.filter((line) => line.startsWith(`${a.name}:`))).toEqual([`${a.name}:exited`, `${a.name}:errored`, `${a.name}:stalled`]);
    await manager.close();
  });

  it('acts once on a trigger repeated before it was acted on', async () => {
    const agent = await lightAgent();
    const { manager, outcomes, exited } = harness({ strategies: { restart: { initialDelayMs: 50 } } });
    exited(agent);
    exited(agent);
    await retryUntil(() => outcomes(agent).includes('exited:scheduled'));
    exited(agent);
    await retryUntil(() => outcomes(agent).includes('exited:restarted'));
    expect(outcomes(agent)).toEqual(['exited:scheduled', 'exited:restarted']);
    await manager.close();
  });

  it('resumes a rate-limited agent at its reset time, unless it leaves the state first', async () => {
    const { manager, outcomes, state } = harness({ strategies: { resume: { marginMs: 0 } } });
    const logged = async (agent: Agent): Promise<string[]> => (await readFakeAgentLog(join(tmux.directory, `${agent.name}.jsonl`))).map((entry) => entry.text);
    // Planned for 300 ms from now, then cancelled by the agent going back to work.
    state(worker, 'idle', 'rate-limited', { resetAt: new Date(Date.now() + 300) });
    await retryUntil(() => outcomes(worker).length === 1);
    state(worker, 'rate-limited', 'working');
    // Planned for later than the cancelled one: once it has been sent, the first would have been too.
    state(pm, 'idle', 'rate-limited', { resetAt: new Date(Date.now() + 600) });
    await retryUntil(() => outcomes(pm).includes('rate-limited:resumed'), { timeoutMs: 10_000 });
    expect(outcomes(pm)).toEqual(['rate-limited:scheduled', 'rate-limited:resumed']);
    await retryUntil(async () => (await logged(pm)).length > 0);
    expect(await logged(pm)).toEqual(['continue']);
    expect(outcomes(worker)).toEqual(['rate-limited:scheduled']);
    expect(await logged(worker)).toEqual([]);
    await manager.close();
  });

  it('escalates to the supervisor, and fails clearly when the supervisor is missing', async () => {
    const agent = await lightAgent();
    const { manager, events, source } = harness({
      policy: { stalled: 'escalate' },
      strategies: { escalate: { supervisor: 'pm', message: '{agent} is {trigger}' } },
      agents: { [agent.name]: { errored: { strategy: 'escalate', options: { supervisor: 'nobody' } } } },
    });
    source.emit('agent:stalled', { agent, report: agentReport(agent, 'working') });
    source.emit('agent:state', { agent, report: agentReport(agent, 'errored'), from: 'idle', to: 'errored' });
    await retryUntil(() => events.some((entry) => entry.name === 'recovery:failed'), { timeoutMs: 30_000 });
    const escalated = events.find((entry) => entry.name === 'recovery:escalated')?.event;
    expect(escalated).toEqual({ agent, trigger: 'stalled', strategy: 'escalate', supervisor: 'pm', message: `${agent.name} is stalled` });
    const failed = events.find((entry) => entry.name === 'recovery:failed')?.event as { error: RecoveryError; trigger: RecoveryTrigger };
    expect(failed.trigger).toBe('errored');
    expect(failed.error).toBeInstanceOf(RecoveryError);
    expect(failed.error.message).toBe(`escalate recovery of agent "${agent.name}" (errored) failed: the supervisor agent "nobody" is not in the fleet`);
    const logged = await readFakeAgentLog(join(tmux.directory, 'pm.jsonl'));
    expect(logged.map((entry) => entry.text).filter((text) => text.startsWith(agent.name))).toEqual([`${agent.name} is stalled`]);
    await manager.close();
  });

  it('reports a strategy that throws as `recovery:failed`, with the error as cause', async () => {
    const agent = await lightAgent();
    await client.run(['kill-pane', '-t', agent.paneId]);
    const { manager, events, exited } = harness({ strategies: { restart: { initialDelayMs: 1 } } });
    exited(agent);
    await retryUntil(() => events.some((entry) => entry.name === 'recovery:failed'));
    const { error } = events.find((entry) => entry.name === 'recovery:failed')?.event as { error: RecoveryError };
    expect(error.code).toBe('ERR_RECOVERY_FAILED');
    expect((error.cause as { code?: string }).code).toBe('ERR_TMUX_COMMAND');
    expect(error.message).toMatch(new RegExp(`^restart recovery of agent "${agent.name}" \\(exited\\) failed: tmux respawn-pane failed`, 'u'));
    await manager.close();
  });

  it('stops at the crash-loop cap with `recovery:gave-up`', async () => {
    const agent = await lightAgent();
    const { manager, events, outcomes, exited } = harness({ strategies: { restart: { initialDelayMs: 1, maxRestarts: 2, windowMs: 60_000 } } });
    for (let restarts = 1; restarts <= 2; restarts++) {
      exited(agent);
      await retryUntil(() => outcomes(agent).filter((line) => line === 'exited:restarted').length === restarts);
    }
    exited(agent);
    await retryUntil(() => events.some((entry) => entry.name === 'recovery:gave-up'));
    expect(outcomes(agent)).toEqual(['exited:scheduled', 'exited:restarted', 'exited:scheduled', 'exited:restarted', 'exited:gave-up']);
    expect(events.find((entry) => entry.name === 'recovery:gave-up')?.event).toEqual({
      agent,
      trigger: 'exited',
      strategy: 'restart',
      restarts: 2,
      windowMs: 60_000,
      detail: 'crash loop: 2 restarts within 60000 ms',
    });
    await manager.close();
  });

  it('takes a restarted agent that two later cycles still see dead for a new exit', async () => {
    const agent = await lightAgent();
    const { manager, actions, outcomes, exited, source, state } = harness({ strategies: { restart: { initialDelayMs: 1 } } });
    const dead = (): ReturnType<typeof agentReport> => agentReport(agent, 'exited');
    const alive = { ...agentReport(agent, 'idle'), state: 'exited' as const, health: 'exited' as const };
    exited(agent);
    await retryUntil(() => outcomes(agent).includes('exited:restarted'));
    const restartedAt = Date.now();
    // A cycle that started before the restart, and cycles that see it alive in between, do not count.
    source.emit('cycle', cycleReport(1, [dead()], restartedAt - 1000));
    source.emit('cycle', cycleReport(2, [dead()], restartedAt + 1));
    source.emit('cycle', cycleReport(3, [alive], restartedAt + 2));
    source.emit('cycle', cycleReport(4, [dead()], restartedAt + 3));
    expect(outcomes(agent)).toEqual(['exited:scheduled', 'exited:restarted']);
    source.emit('cycle', cycleReport(5, [dead()], restartedAt + 4));
    await retryUntil(() => outcomes(agent).length === 4);
    expect(actions(agent).map((e) => `${e.attempt}:${e.action.outcome}`)).toEqual(['1:scheduled', '1:restarted', '2:scheduled', '2:restarted']);
    // Once the monitor has seen it come back, dead sightings are the monitor's to report.
    state(agent, 'exited', 'idle');
    source.emit('cycle', cycleReport(6, [dead()], Date.now() + 1));
    source.emit('cycle', cycleReport(7, [dead()], Date.now() + 2));
    // Queued behind anything those cycles would have started.
    state(agent, 'idle', 'errored');
    await retryUntil(() => outcomes(agent).includes('errored:notified'));
    expect(outcomes(agent)).toEqual(['exited:scheduled', 'exited:restarted', 'exited:scheduled', 'exited:restarted', 'errored:notified']);
    await manager.close();
  });

  it('leaves agents that left the fleet alone, and cancels what waits for them', async () => {
    const [gone, leaving, sentinel] = await Promise.all([lightAgent(), lightAgent(), lightAgent()]);
    await gone.kill();
    const { manager, outcomes, exited, source } = harness({ strategies: { restart: { initialDelayMs: 150 } } });
    exited(gone);
    exited(leaving);
    await retryUntil(() => outcomes(leaving).length === 1);
    await leaving.kill();
    source.emit('cycle', cycleReport(1, []));
    // Scheduled after `leaving`'s restart, with the same delay: once it has run, the other would have too.
    exited(sentinel);
    await retryUntil(() => outcomes(sentinel).includes('exited:restarted'));
    expect(outcomes(gone)).toEqual([]);
    expect(outcomes(leaving)).toEqual(['exited:scheduled']);
    await manager.close();
  });

  it('closes once, stops listening and cancels waiting follow-ups', async () => {
    const agent = await lightAgent();
    const before = await panePid(agent);
    const first = harness({ strategies: { restart: { initialDelayMs: 150 } } });
    first.exited(agent);
    await retryUntil(() => first.outcomes(agent).length === 1);
    const closing = first.manager.close();
    expect(first.manager.close()).toBe(closing);
    await first.manager[Symbol.asyncDispose]();
    expect(first.source.listenerCount('agent:exited') + first.source.listenerCount('cycle') + first.source.listenerCount('agent:state')).toBe(0);
    // A second manager restarts the agent later than the first would have.
    const second = harness({ strategies: { restart: { initialDelayMs: 150 } } });
    second.exited(agent);
    await retryUntil(() => second.outcomes(agent).includes('exited:restarted'));
    first.exited(agent);
    expect(first.outcomes(agent)).toEqual(['exited:scheduled']);
    await retryUntil(async () => (await panePid(agent)) !== before);
    await second.manager.close();
  });
});
