import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/metrics/alerts.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { createTestServer, lightAgentCommand, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let orc: Orchestrator;
let serverPid: number;

beforeAll(async () => {
  tmux = await createTestServer();
  orc = await Orchestrator.start({
    servers: [tmux.server],
    monitor: { intervalMs: 50, observeTimeoutMs: 10_000 },
    recovery: false,
    scheduler: { store: join(tmux.directory, 'schedule.jsonl') },
    metrics: {
      sampleIntervalMs: false,
      window: 10,
      slo: { cycleP95Ms: { warning: 150, critical: 5_000, emergency: 10_000 } },
      hysteresis: { minSamples: 5, dwell: 2, margin: 0.2 },
    },
  });
  await Promise.all([0, 1, 2, 3].map((index) => orc.spawn({ name: `a${index}`, kind: 'claude-code', command: lightAgentCommand({ name: `a${index}`, active: index === 0 }) })));
  const client = await tmux.connect();
  serverPid = Number(await client.displayMessage('#{pid}'));
  await client.close();
});

afterAll(async () => {
  process.kill(serverPid, 'SIGCONT');
  await orc?.close();
  await tmux?.kill();
});

it('raises the cycle p95 alert once when cycles slow down under load, and clears it once they are fast again', async () => {
  const alerts: AlertEvent[] = [];
  orc.metrics.on('alert', (alert) => alerts.push(alert));
  const cycles = (): number => orc.metrics.snapshot().health.cycles.count;
  // Fast cycles first: nothing raised.
  const before = cycles();
  await retryUntil(() => cycles() >= before + 10, { timeoutMs: 20_000, description: 'ten fast cycles' });
  expect(alerts).toEqual([]);

  // Load: the tmux server is held up 300 ms at a time (SIGSTOP … SIGCONT), so
  // every cycle waits for it; p95 over the window passes the 150 ms threshold.
  let loaded = true;
  const load = (async () => {
    while (loaded) {
      process.kill(serverPid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(serverPid, 'SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await retryUntil(() => alerts.some((alert) => alert.state === 'raised'), { timeoutMs: 30_000, description: 'the alert to be raised' });
  } finally {
    loaded = false;
    await load;
  }
  expect(alerts.filter((alert) => alert.state === 'raised').map((alert) => `${alert.metric} ${alert.level}`)).toEqual(['cycleP95Ms warning']);
  expect(orc.metrics.snapshot().alerts.map((alert) => alert.metric)).toEqual(['cycleP95Ms']);

  // Load gone: once the window holds fast cycles again, it is cleared, once.
  await retryUntil(() => alerts.some((alert) => alert.state === 'cleared'), { timeoutMs: 30_000, description: 'the alert to be cleared' });
  const settled = cycles();
  await retryUntil(() => cycles() >= settled + 10, { timeoutMs: 20_000, description: 'ten more fast cycles' });
  expect(alerts.map((alert) => `${alert.metric} ${alert.level} ${alert.state}`)).toEqual(['cycleP95Ms warning raised', 'cycleP95Ms warning cleared']);
  expect(orc.metrics.snapshot().alerts).toEqual([]);
});
