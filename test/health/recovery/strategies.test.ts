import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/agents/agent.js';
import { RecoveryError } from '../../../src/health/recovery/errors.js';
import { DEFAULT_ESCALATION_MESSAGE, escalateRecovery, escalationMessage } from '../../../src/health/recovery/escalate.js';
import { notifyRecovery } from '../../../src/health/recovery/notify.js';
import { restartRecovery } from '../../../src/health/recovery/restart.js';
import { resumeRecovery } from '../../../src/health/recovery/resume.js';
import { Orchestrator } from '../../../src/orchestrator.js';
import { lightAgentCommand, LIGHT_AGENT_PROCESS_NAME } from '../../../src/testing/fake-agent/light.js';
import { createTestServer, fakeAgentCommand, readFakeAgentLog, retryUntil, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { agentReport, recoveryContext } from './support.js';
import { QUIET_ORCHESTRATOR } from '../support/fleet.js';

let tmux: TestServer;
let client: TmuxClient;
let orc: Orchestrator;
let light: Agent;
let pm: Agent;
let worker: Agent;

async function panePid(agent: Agent): Promise<number | undefined> {
  return (await client.listPanes(agent.paneId))[0]?.pid;
}

async function idle(agent: Agent): Promise<void> {
  await retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 30_000, description: `${agent.name} to be idle` });
}

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  orc = await Orchestrator.start({ servers: [tmux.server], ...QUIET_ORCHESTRATOR });
  [light, pm, worker] = await Promise.all([
    orc.spawn({ name: 'light', kind: 'claude-code', command: lightAgentCommand({ name: 'light' }) }),
    orc.spawn({ name: 'pm', kind: 'claude-code', command: fakeAgentCommand({ log: join(tmux.directory, 'pm.jsonl'), script: { workMs: 10 } }) }),
    orc.spawn({ name: 'worker', kind: 'claude-code', command: fakeAgentCommand({ log: join(tmux.directory, 'worker.jsonl'), script: { workMs: 10 } }) }),
  ]);
  await Promise.all([light, pm, worker].map(idle));
}, 60_000);

afterAll(async () => {
  await orc?.close();
  await client?.close();
  await tmux?.kill();
});

describe('restart', () => {
  it('schedules the restart after the backoff for the attempt, then restarts the agent in its pane', async () => {
    const strategy = restartRecovery({ initialDelayMs: 100, factor: 3 });
    const scheduled = await strategy.recover(recoveryContext(light, 'exited', { attempt: 3, now: () => 1_000_000 }));
    expect(scheduled).toEqual({ outcome: 'scheduled', retryAt: 1_000_900, detail: 'restart in 900 ms (attempt 3)' });

    const before = await panePid(light);
    const restarted = await strategy.recover(recoveryContext(light, 'exited', { attempt: 3, scheduledFor: 1_000_900 }));
    expect(restarted).toEqual({ outcome: 'restarted', detail: 'restart 1 of 5 allowed within 600000 ms' });
    await retryUntil(async () => {
      const [pane] = await client.listPanes(light.paneId);
      return pane !== undefined && !pane.dead && pane.pid !== before && pane.currentCommand === LIGHT_AGENT_PROCESS_NAME;
    });
    await idle(light);
  });

  it('gives up once `maxRestarts` restarts fall within the window, and goes on once they slide out of it', async () => {
    const strategy = restartRecovery({ initialDelayMs: 1, maxRestarts: 2, windowMs: 1000 });
    const at = (now: number): Promise<unknown> => strategy.recover(recoveryContext(light, 'exited', { now: () => now, scheduledFor: now }));
    expect(await at(5_000)).toMatchObject({ outcome: 'restarted' });
    expect(await at(5_010)).toMatchObject({ outcome: 'restarted', detail: 'restart 2 of 2 allowed within 1000 ms' });
    const pid = await panePid(light);
    expect(await at(5_999)).toEqual({ outcome: 'gave-up', restarts: 2, windowMs: 1000, detail: 'crash loop: 2 restarts within 1000 ms' });
    // A first call (no follow-up yet) gives up too, rather than scheduling a restart it would refuse.
    expect(await strategy.recover(recoveryContext(light, 'exited', { now: () => 5_999 }))).toMatchObject({ outcome: 'gave-up' });
    expect(await panePid(light)).toBe(pid);
    expect(await at(6_000)).toMatchObject({ outcome: 'restarted', detail: 'restart 2 of 2 allowed within 1000 ms' });
    // Another agent has a history of its own.
    expect(await strategy.recover(recoveryContext(worker, 'exited', { now: () => 6_000 }))).toMatchObject({ outcome: 'scheduled' });
    await idle(light);
  });

  it('skips an adopted agent, which has no command to restart, and a follow-up no longer wanted', async () => {
    const { paneId } = await client.newSession({ name: 'by-hand', command: ['sh', '-c', 'sleep 600'] });
    const adopted = await orc.adopt(paneId, { kind: 'shell', name: 'adopted' });
    const strategy = restartRecovery();
    expect(await strategy.recover(recoveryContext(adopted, 'exited', { scheduledFor: Date.now() }))).toEqual({
      outcome: 'skipped',
      detail: 'the agent was adopted and has no recorded command to restart',
    });
    const controller = new AbortController();
    controller.abort();
    const pid = await panePid(light);
    expect(await strategy.recover(recoveryContext(light, 'exited', { scheduledFor: Date.now(), signal: controller.signal }))).toMatchObject({
      outcome: 'skipped',
    });
    expect(await panePid(light)).toBe(pid);
  });
});

describe('notify', () => {
  it('does nothing but report the trigger and the evidence on one line', async () => {
    const before = await panePid(light);
    const report = agentReport(light, 'working', { evidence: ['screen: "esc to interrupt"', 'activity:\nno output for 90 s'] });
    expect(await notifyRecovery().recover(recoveryContext(light, 'stalled', { report }))).toEqual({
      outcome: 'notified',
      detail: 'stalled: screen: "esc to interrupt"; activity: no output for 90 s',
    });
    expect(await panePid(light)).toBe(before);
  });
});

describe('escalate', () => {
  it('fills in the message template from the context', () => {
    const report = agentReport(worker, 'working', { evidence: ['no output for 120 s'] });
    const context = recoveryContext(worker, 'stalled', { report, attempt: 2 });
    expect(escalationMessage('{agent}|{kind}|{trigger}|{state}|{evidence}|{attempt}|{other}|{}', context)).toBe(
      'worker|claude-code|stalled|working|no output for 120 s|2|{other}|{}',
    );
    expect(escalationMessage(DEFAULT_ESCALATION_MESSAGE, context)).toBe('Agent worker (claude-code) stalled: no output for 120 s. Please check on it.');
  });

  it('sends the supervisor the message and reports it', async () => {
    const strategy = escalateRecovery({ supervisor: 'pm', message: 'Heads up: {agent} {trigger} ({evidence})' });
    const report = agentReport(worker, 'exited', { evidence: ['process: pane dead (status 1)'] });
    const action = await strategy.recover(recoveryContext(worker, 'exited', { report, fleet: [worker, pm] }));
    const message = 'Heads up: worker exited (process: pane dead (status 1))';
    expect(action).toEqual({ outcome: 'escalated', supervisor: 'pm', message, detail: 'told "pm"' });
    const log = await retryUntil(async () => {
      const entries = await readFakeAgentLog(join(tmux.directory, 'pm.jsonl'));
      return entries.length > 0 ? entries : undefined;
    });
    expect(log.map((entry) => entry.text)).toEqual([message]);
    await idle(pm);
  });

  it('fails clearly when the supervisor is not in the fleet, and skips an agent that supervises itself', async () => {
    const strategy = escalateRecovery({ supervisor: 'cto' });
    const failure = strategy.recover(recoveryContext(worker, 'errored', { fleet: [worker, pm] }));
    await expect(failure).rejects.toBeInstanceOf(RecoveryError);
    await expect(failure).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FAILED',
      agent: 'worker',
      trigger: 'errored',
      strategy: 'escalate',
      message: 'escalate recovery of agent "worker" (errored) failed: the supervisor agent "cto" is not in the fleet',
    });
    expect(await escalateRecovery({ supervisor: 'pm' }).recover(recoveryContext(pm, 'stalled', { fleet: [worker, pm] }))).toEqual({
      outcome: 'skipped',
      detail: 'the agent is its own supervisor',
    });
  });
});

describe('resume', () => {
  it('schedules the message for the reset time plus the margin, or after the fallback delay', async () => {
    const strategy = resumeRecovery({ marginMs: 2000, fallbackDelayMs: 60_000 });
    const resetAt = new Date('2031-05-01T19:00:00.000Z');
    const report = agentReport(worker, 'rate-limited', { resetAt });
    expect(await strategy.recover(recoveryContext(worker, 'rate-limited', { report }))).toEqual({
      outcome: 'scheduled',
      retryAt: resetAt.getTime() + 2000,
      detail: 'send "continue" at 2031-05-01T19:00:02.000Z (resets at 2031-05-01T19:00:00.000Z)',
    });
    const unknown = await strategy.recover(recoveryContext(worker, 'rate-limited', { now: () => 1_000 }));
    expect(unknown).toEqual({ outcome: 'scheduled', retryAt: 61_000, detail: 'send "continue" at 1970-01-01T00:01:01.000Z (no reset time on screen)' });
  });

  it('sends the message when called back, whatever state the screen shows', async () => {
    const strategy = resumeRecovery({ message: 'Please go on.' });
    const action = await strategy.recover(recoveryContext(worker, 'rate-limited', { scheduledFor: Date.now() }));
    expect(action).toEqual({ outcome: 'resumed', detail: 'sent "Please go on."' });
    const log = await retryUntil(async () => {
      const entries = await readFakeAgentLog(join(tmux.directory, 'worker.jsonl'));
      return entries.length > 0 ? entries : undefined;
    });
    expect(log.map((entry) => entry.text)).toEqual(['Please go on.']);
  });
});
