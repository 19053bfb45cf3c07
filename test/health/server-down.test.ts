import { afterAll, beforeAll, expect, it } from 'vitest';
import { HealthChecker } from '../../src/health/checker.js';
import { retryUntil } from '../../src/testing/index.js';
import { healthFixture, type HealthFixture } from './support/fleet.js';

let fixture: HealthFixture;

beforeAll(async () => {
  fixture = await healthFixture();
});

afterAll(async () => {
  await fixture?.close();
});

it('reports every agent of a server that died failed, without throwing, cycle after cycle', async () => {
  for (const name of ['a', 'b', 'c']) await fixture.orc.spawn({ name, kind: 'shell', command: ['bash', '--norc', '--noprofile'], session: 'down' });
  const health = new HealthChecker({ agents: fixture.monitored, registry: fixture.orc.registry, observeTimeoutMs: 2_000, intervalMs: 20 });
  try {
    const before = await health.check();
    expect(before.errors).toBe(0);
    const errors: unknown[] = [];
    health.on('error', (error) => errors.push(error));
    let failedCycles = 0;
    let lastGood = before;
    health.on('cycle', (report) => {
      if (report.errors === 3) failedCycles++;
      if (report.errors === 0) lastGood = report;
    });
    health.start();

    await fixture.tmux.kill();
    await retryUntil(() => failedCycles >= 3, { timeoutMs: 10_000, description: 'three cycles with the server gone' });
    const report = await health.check();
    expect(report.errors).toBe(3);
    expect(report.durationMs).toBeLessThan(2_000);
    for (const line of report.agents) {
      expect(line.health).toBe('failed');
      expect(line.error?.code).toMatch(/^ERR_(CONNECTION_CLOSED|TMUX_SERVER_NOT_RUNNING|POOL_CLOSED|OBSERVATION_TIMEOUT|POOL_ACQUIRE_TIMEOUT)$/u);
      // The state last observed stands.
      expect(line.state).toBe(lastGood.agents.find((entry) => entry.agent === line.agent)?.state);
    }
    expect(errors).toEqual([]);
    expect(health.running).toBe(true);
  } finally {
    await health.close();
  }
});
