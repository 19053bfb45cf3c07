import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlConnection } from '../../src/index.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';
import { AttachGate } from '../../src/tmux/attach-gate.js';

describe('AttachGate', () => {
  it('holds commands and closes while an attach runs, then sends them in order', async () => {
    const gate = AttachGate.acquire({ socketName: 'gate-unit-order' });
    const sent: string[] = [];
    let finishAttach = (): void => undefined;
    const attach = gate.attach(() => new Promise<void>((resolve) => (finishAttach = resolve)));
    await Promise.resolve();
    gate.admit(() => sent.push('a') > 0);
    gate.admit(() => sent.push('close') > 0, { untilDone: true });
    gate.admit(() => sent.push('b') > 0);
    expect(sent).toEqual([]);
    finishAttach();
    await attach;
    expect(sent).toEqual(['a', 'close', 'b']);
    gate.release();
  });

  it('starts an attach only once the closes sent before it are done', async () => {
    const gate = AttachGate.acquire({ socketName: 'gate-unit-close' });
    gate.admit(() => true, { untilDone: true });
    let attached = false;
    const attach = gate.attach(async () => {
      attached = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(attached).toBe(false);
    gate.done();
    await attach;
    expect(attached).toBe(true);
    gate.release();
  });

  it('does not send what was settled while held', async () => {
    const gate = AttachGate.acquire({ socketName: 'gate-unit-settled' });
    let finishAttach = (): void => undefined;
    const attach = gate.attach(() => new Promise<void>((resolve) => (finishAttach = resolve)));
    await Promise.resolve();
    gate.admit(() => false, { untilDone: true });
    finishAttach();
    await attach;
    // The skipped close does not count: the next attach is not kept waiting.
    await gate.attach(async () => undefined);
    gate.release();
  });
});

describe('opening control connections while sessions come and go (tmux up to 3.5a crashed here)', () => {
  let tmux: TestServer;

  beforeAll(async () => {
    tmux = await createTestServer();
  });

  afterAll(async () => {
    await tmux.kill();
  });

  it('keeps the server alive', async () => {
    const churn = await tmux.connect();
    let stop = false;
    let churned = 0;
    // Every new-session and kill-session is written to every control client, attaching ones included.
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        await churn.run(['new-session', '-d', '-s', `churn-${i}`, 'sleep 5']);
        await churn.run(['kill-session', '-t', `=churn-${i}`]);
        churned++;
      }
    })();
    let opened = 0;
    try {
      const until = performance.now() + 4_000;
      while (performance.now() < until) {
        const connections = await Promise.all([1, 2, 3].map((k) => ControlConnection.open({ ...tmux.server, session: `__tmo-gate-${k}` })));
        opened += connections.length;
        await Promise.all(connections.map((connection) => connection.close()));
      }
    } finally {
      stop = true;
      await churning;
      await churn.close();
    }
    expect(opened).toBeGreaterThan(30);
    expect(churned).toBeGreaterThan(30);
    const check = await tmux.connect();
    expect(await check.displayMessage('#{pid}')).toMatch(/^\d+$/u);
    await check.close();
  });
});
