import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayeredCache } from '../../src/cache/layered-cache.js';
import { paneTag } from '../../src/cache/tags.js';
import { invalidateOnTmuxEvents } from '../../src/cache/tmux-invalidation.js';
import type { TmuxClient } from '../../src/tmux/client.js';
import { CONTROL_SESSION } from '../../src/tmux/connection.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let client: TmuxClient;
/** Two panes running `cat`, their windows linked into the control session so their output is reported. */
let paneA: string;
let paneB: string;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  const session = await client.newSession({ name: 'work', command: ['cat'] });
  const second = await client.newWindow({ target: session.sessionId, command: ['cat'] });
  paneA = session.paneId;
  paneB = second.paneId;
  for (const windowId of [session.windowId, second.windowId]) {
    await client.run(['link-window', '-d', '-s', windowId, '-t', `${CONTROL_SESSION}:`]);
  }
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

/** Resolves once the client has reported output of `paneId` (every listener has run by then). */
function nextOutput(paneId: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (event: { paneId: string }): void => {
      if (event.paneId !== paneId) return;
      client.off('output', listener);
      resolve();
    };
    client.on('output', listener);
  });
}

describe('invalidateOnTmuxEvents', () => {
  it("drops a pane's tagged entries when it writes output, and only them", async () => {
    const cache = new LayeredCache();
    const stop = invalidateOnTmuxEvents(cache, client);
    try {
      for (const pane of [paneA, paneB]) {
        cache.set('pane_content', pane, await client.capturePane(pane), { tags: [paneTag(pane)] });
        cache.set('agent_status', pane, 'idle', { tags: [paneTag(pane)] });
      }
      cache.set('session_info', 'windows', await client.listWindows('work'));
      const output = nextOutput(paneA);
      await client.sendText(paneA, 'hello');
      await output;
      expect(cache.peek('pane_content', paneA)).toBeUndefined();
      expect(cache.peek('agent_status', paneA)).toBeUndefined();
      expect(cache.peek('pane_content', paneB)).toBeDefined();
      expect(cache.peek('agent_status', paneB)).toBe('idle');
      expect(cache.peek('session_info', 'windows')).toBeDefined();
      expect(cache.stats().pane_content?.invalidations).toBe(1);
    } finally {
      stop();
    }
  });

  it('keeps a capture taken before the output out of the cache', async () => {
    const cache = new LayeredCache();
    const stop = invalidateOnTmuxEvents(cache, client);
    try {
      const marker = `marker-${Date.now()}`;
      const load = (): Promise<string[]> =>
        cache.load(
          'pane_content',
          paneA,
          async () => {
            const before = await client.capturePane(paneA);
            // The pane writes while this load is under way.
            const output = nextOutput(paneA);
            await client.sendText(paneA, marker);
            await output;
            return before;
          },
          { tags: [paneTag(paneA)] },
        );
      const stale = await load();
      expect(stale.join('\n')).not.toContain(marker);
      expect(cache.peek('pane_content', paneA)).toBeUndefined();
      // A capture after the output is cached (retried: the echo may arrive in more than one piece).
      await retryUntil(async () => {
        await cache.load('pane_content', paneA, () => client.capturePane(paneA), { tags: [paneTag(paneA)] });
        return cache.peek<string[]>('pane_content', paneA)?.join('\n').includes(marker);
      });
      expect(cache.stats().pane_content?.loads).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
  });

  it('clears session info when a window is created', async () => {
    const cache = new LayeredCache();
    const stop = invalidateOnTmuxEvents(cache, client);
    try {
      const windows = (): Promise<unknown[]> => cache.load('session_info', 'work', () => client.listWindows('work'));
      const before = await windows();
      cache.set('pane_content', paneB, 'screen', { tags: [paneTag(paneB)] });
      await client.newWindow({ target: 'work', command: ['cat'] });
      await retryUntil(() => cache.peek('session_info', 'work') === undefined, { description: 'session_info to be cleared' });
      expect((await windows()).length).toBe(before.length + 1);
      expect(cache.peek('pane_content', paneB)).toBe('screen');
    } finally {
      stop();
    }
  });

  it('drops a pane\'s entries when its output is paused and when it resumes', async () => {
    const cache = new LayeredCache();
    const stop = invalidateOnTmuxEvents(cache, client);
    try {
      for (const action of ['pause', 'continue'] as const) {
        cache.set('pane_content', paneB, 'screen', { tags: [paneTag(paneB)] });
        const notified = new Promise<void>((resolve) => client.once(action, () => resolve()));
        await client.run(['refresh-client', '-A', `${paneB}:${action}`]);
        await notified;
        expect(cache.peek('pane_content', paneB), action).toBeUndefined();
      }
    } finally {
      stop();
    }
  });

  it('clears every layer when the connection closes', async () => {
    const session = '__tmo-cache-close';
    const other = await tmux.connect({ session });
    const cache = new LayeredCache();
    invalidateOnTmuxEvents(cache, other);
    cache.set('config', 'theme', 'dark');
    cache.set('session_info', 'sessions', ['work']);
    const closed = new Promise<void>((resolve) => other.once('close', () => resolve()));
    await client.killSession(session);
    await closed;
    expect(cache.stats().config?.entries).toBe(0);
    expect(cache.stats().session_info?.entries).toBe(0);
    await other.close();
  });

  it('stops listening when unsubscribed', async () => {
    const cache = new LayeredCache();
    invalidateOnTmuxEvents(cache, client)();
    cache.set('pane_content', paneA, 'screen', { tags: [paneTag(paneA)] });
    const output = nextOutput(paneA);
    await client.sendText(paneA, 'ignored');
    await output;
    expect(cache.peek('pane_content', paneA)).toBe('screen');
  });
});
