import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bracketedPasteDelivery } from '../../../src/agents/delivery/bracketed-paste.js';
import { deliver } from '../../../src/agents/delivery/deliver.js';
import { DeliveryError, InputNotEmptyError } from '../../../src/agents/delivery/errors.js';
import { literalKeysDelivery } from '../../../src/agents/delivery/literal-keys.js';
import { paneObserver } from '../../../src/agents/delivery/observe.js';
import type { Detector } from '../../../src/agents/detectors/detector.js';
import { AgentExitedError } from '../../../src/agents/errors.js';
import { AbortedError, InvalidArgumentError } from '../../../src/errors.js';
import { createTestServer, retryUntil, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { lineAppDetector, startLineApp, type LineApp } from './support/line-app.js';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;

beforeAll(async () => {
  // Panes whose program exits stay, dead, as an exited agent's pane does.
  tmux = await createTestServer({ config: ['set -g remain-on-exit on'] });
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

/** Quick waits for the tests that wait on purpose. */
const QUICK = { waitIntervalMs: 20, verifyTimeoutMs: 300 } as const;

async function inputLine(app: LineApp): Promise<string | undefined> {
  return (await client.capturePane(app.paneId)).find((line) => line.startsWith('>'));
}

/** Waits until the app has acted on `count` presses of Enter, delayed ones included. */
async function entersHandled(app: LineApp, count: number): Promise<void> {
  await retryUntil(async () => (await client.capturePane(app.paneId)).includes(`ENTERS: ${count}`), {
    description: `${count} presses of Enter acted on`,
  });
}

/** Types `text` into the app's input line (without submitting) and waits until it shows. */
async function typeByHand(app: LineApp, text: string): Promise<void> {
  await client.sendText(app.paneId, text);
  await retryUntil(async () => (await inputLine(app)) === `> ${text}`, { description: `"${text}" in the input line` });
}

describe('deliver', () => {
  it('reports what it took: one press of Enter, the input line emptied, the strategy', async () => {
    const app = await startLineApp(client, scratch);
    const receipt = await deliver(app.context(bracketedPasteDelivery()), 'hello');
    expect(receipt).toEqual({
      delivered: true,
      attempts: 1,
      latencyMs: expect.any(Number),
      waitedMs: expect.any(Number),
      verifiedBy: 'input-cleared',
      strategy: 'bracketed-paste',
    });
    expect(receipt.latencyMs).toBeGreaterThanOrEqual(receipt.waitedMs);
    expect(await app.submitted()).toEqual([{ text: 'hello', state: 'idle' }]);
  });

  describe('text already in the input line', () => {
    it('is cleared first and reported, never sent along', async () => {
      const app = await startLineApp(client, scratch);
      await typeByHand(app, 'half-typed words');
      const receipt = await deliver(app.context(literalKeysDelivery()), 'the message');
      expect(receipt.cleared).toBe('half-typed words');
      expect(await app.submitted()).toEqual([{ text: 'the message', state: 'idle' }]);
    });

    it('is left alone with existingInput: refuse, and nothing is typed', async () => {
      const app = await startLineApp(client, scratch);
      await typeByHand(app, 'mine, not yours');
      const error = await deliver(app.context(bracketedPasteDelivery()), 'the message', { existingInput: 'refuse' }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InputNotEmptyError);
      expect(error).toMatchObject({ code: 'ERR_INPUT_NOT_EMPTY', input: 'mine, not yours' });
      expect(await inputLine(app)).toBe('> mine, not yours');
      expect(await app.submitted()).toEqual([]);
    });

    it('fails with input-not-cleared when the clearing keys do nothing', async () => {
      const app = await startLineApp(client, scratch);
      await typeByHand(app, 'sticky');
      const detector: Detector = { ...lineAppDetector(), clearInputKeys: ['Left'] };
      const error = await deliver(app.context(bracketedPasteDelivery(), detector), 'the message', { settleTimeoutMs: 300 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ code: 'ERR_DELIVERY_FAILED', reason: 'input-not-cleared', attempts: 0 });
      expect((error as DeliveryError).detection?.input).toBe('sticky');
      expect(await app.submitted()).toEqual([]);
    });
  });

  describe('agent state', () => {
    it('waits while the agent asks a question, and delivers once it is answered', async () => {
      const app = await startLineApp(client, scratch, { startState: 'waiting' });
      const context = app.context(bracketedPasteDelivery());
      const delivery = deliver(context, 'after the answer', QUICK);
      // It keeps looking and types nothing while the question is open.
      await retryUntil(() => context.observations() >= 5, { description: 'a few looks at the waiting agent' });
      expect(await inputLine(app)).toBe('>');
      expect(await app.submitted()).toEqual([]);
      await client.sendKeys(app.paneId, ['1']);
      const receipt = await delivery;
      expect(receipt.waitedMs).toBeGreaterThan(0);
      expect(await app.submitted()).toEqual([{ text: 'after the answer', state: 'idle' }]);
    });

    it('types into a waiting agent with force', async () => {
      const app = await startLineApp(client, scratch, { startState: 'waiting' });
      await deliver(app.context(bracketedPasteDelivery()), 'forced through', { force: true });
      expect(await app.submitted()).toEqual([{ text: 'forced through', state: 'waiting' }]);
    });

    it('waits until a working agent is idle', async () => {
      const app = await startLineApp(client, scratch, { startState: 'working', busyMs: 600 });
      const receipt = await deliver(app.context(literalKeysDelivery()), 'when you are done', QUICK);
      expect(receipt.waitedMs).toBeGreaterThan(0);
      expect(await app.submitted()).toEqual([{ text: 'when you are done', state: 'idle' }]);
    });

    it('gives up with not-ready when the agent stays busy past waitTimeoutMs', async () => {
      const app = await startLineApp(client, scratch, { startState: 'working' });
      const error = await deliver(app.context(literalKeysDelivery()), 'never typed', { ...QUICK, waitTimeoutMs: 200 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ reason: 'not-ready', attempts: 0 });
      expect((error as DeliveryError).detection?.state).toBe('working');
      expect(await inputLine(app)).toBe('>');
    });

    it('stops waiting when aborted, having typed nothing', async () => {
      const app = await startLineApp(client, scratch, { startState: 'working' });
      const context = app.context(bracketedPasteDelivery());
      const controller = new AbortController();
      const delivery = deliver(context, 'never typed', { ...QUICK, signal: controller.signal });
      await retryUntil(() => context.observations() >= 2, { description: 'the delivery waiting' });
      controller.abort();
      await expect(delivery).rejects.toBeInstanceOf(AbortedError);
      await expect(deliver(context, 'never typed', { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
      expect(await inputLine(app)).toBe('>');
    });

    it('leaves copy mode before typing', async () => {
      const app = await startLineApp(client, scratch);
      await client.run(['copy-mode', '-t', app.paneId]);
      expect(await client.displayMessage('#{pane_in_mode}', { target: app.paneId })).toBe('1');
      await deliver(app.context(bracketedPasteDelivery()), 'out of copy mode');
      expect(await client.displayMessage('#{pane_in_mode}', { target: app.paneId })).toBe('0');
      expect(await app.submitted()).toEqual([{ text: 'out of copy mode', state: 'idle' }]);
    });
  });

  describe('Enter', () => {
    it('is pressed again when the first press is lost, and the message arrives once', async () => {
      const app = await startLineApp(client, scratch, { swallowEnters: 1 });
      // Long enough that the second press is surely acted on before a third is due.
      const receipt = await deliver(app.context(bracketedPasteDelivery()), 'second time lucky', { verifyTimeoutMs: 1_000 });
      expect(receipt.attempts).toBe(2);
      await entersHandled(app, 2);
      expect(await app.submitted()).toEqual([{ text: 'second time lucky', state: 'idle' }]);
    });

    it('is pressed at most maxSubmitAttempts times; the text is typed only once', async () => {
      const app = await startLineApp(client, scratch, { swallowEnters: 10 });
      const error = await deliver(app.context(literalKeysDelivery()), 'typed once', { ...QUICK, maxSubmitAttempts: 3 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ reason: 'not-verified', attempts: 3 });
      expect((error as DeliveryError).detection?.input).toBe('typed once');
      await entersHandled(app, 3);
      expect(await inputLine(app)).toBe('> typed once');
      expect(await app.submitted()).toEqual([]);
    });

    it('pressed again while a slow agent is still acting on the first press does not duplicate the message', async () => {
      const app = await startLineApp(client, scratch, { acceptDelayMs: 500 });
      const receipt = await deliver(app.context(bracketedPasteDelivery()), 'slow to land', {
        ...QUICK,
        verifyTimeoutMs: 150,
        maxSubmitAttempts: 30,
      });
      expect(receipt.attempts).toBeGreaterThan(1);
      // Every press has been acted on: a retyped text would have been submitted again by now.
      await entersHandled(app, receipt.attempts);
      expect(await app.submitted()).toEqual([{ text: 'slow to land', state: 'idle' }]);
    });
  });

  describe('detectors that cannot read the input line', () => {
    const blind = lineAppDetector({ readsInput: false });

    it('verify by the state changing', async () => {
      const app = await startLineApp(client, scratch, { busyMs: 2_000 });
      const receipt = await deliver(app.context(bracketedPasteDelivery(), blind), 'get busy');
      expect(receipt.verifiedBy).toBe('state-changed');
      expect(await app.submitted()).toEqual([{ text: 'get busy', state: 'idle' }]);
    });

    it('verify by the screen changing', async () => {
      const app = await startLineApp(client, scratch);
      const receipt = await deliver(app.context(literalKeysDelivery(), blind), 'watch the screen');
      expect(receipt.verifiedBy).toBe('screen-changed');
      expect(await app.submitted()).toEqual([{ text: 'watch the screen', state: 'idle' }]);
    });
  });

  describe('failures', () => {
    it('refuses an agent that has exited, typing nothing', async () => {
      const app = await startLineApp(client, scratch);
      const context = app.context(bracketedPasteDelivery());
      // The agent exits on the message itself: it was submitted, then the agent was gone.
      const error = await deliver(context, '/exit').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ reason: 'exited', attempts: 1 });
      expect(await app.submitted()).toEqual([{ text: '/exit', state: 'idle' }]);
      const refused = await deliver({ ...context, agent: 'eng-1' }, 'anyone there?').catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(AgentExitedError);
      expect(refused).toMatchObject({ code: 'ERR_AGENT_EXITED', agent: 'eng-1' });
      expect((refused as Error).message).toContain('pane dead');
    });

    it('refuses a pane that is gone', async () => {
      const app = await startLineApp(client, scratch);
      await client.killPane(app.paneId);
      await expect(deliver(app.context(literalKeysDelivery()), 'hello?')).rejects.toMatchObject({
        code: 'ERR_AGENT_EXITED',
        agent: app.paneId,
      });
    });

    it('fails with not-shown when the typed text never shows', async () => {
      const app = await startLineApp(client, scratch);
      const base = lineAppDetector();
      // Reads the input line as always empty: the typing seems lost.
      const deaf: Detector = { ...base, detect: (screen, facts) => ({ ...base.detect(screen, facts), input: '' }) };
      const error = await deliver(app.context(bracketedPasteDelivery(), deaf), 'lost', { settleTimeoutMs: 200 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ reason: 'not-shown', attempts: 0 });
      expect(await app.submitted()).toEqual([]);
    });

    it('refuses messages it cannot carry before touching the pane', async () => {
      const app = await startLineApp(client, scratch);
      await typeByHand(app, 'untouched');
      const context = app.context(bracketedPasteDelivery());
      await expect(deliver(context, '')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(deliver(context, 'nul \u0000 inside')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(deliver(context, 'lone \ud800 surrogate')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(deliver(context, 'ends the paste \u001b[201~ early')).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(context.observations()).toBe(0);
      expect(await inputLine(app)).toBe('> untouched');
    });
  });
});

describe('paneObserver', () => {
  it('reads the screen, the process facts and the mode of a pane', async () => {
    const app = await startLineApp(client, scratch);
    const observe = paneObserver(client, app.paneId, lineAppDetector());
    const before = Date.now();
    const observation = await observe();
    expect(observation.screen.lines[0]).toBe('STATE: idle');
    expect(observation.facts).toEqual({ paneDead: false, currentCommand: 'node', now: expect.any(Number) });
    expect(observation.facts.now).toBeGreaterThanOrEqual(before);
    expect(observation.detection).toMatchObject({ state: 'idle', input: '' });
    expect(observation.inMode).toBe(false);
    await client.run(['copy-mode', '-t', app.paneId]);
    expect((await observe()).inMode).toBe(true);
  });

  it('sees a dead pane with its exit status, and a killed pane as dead', async () => {
    const app = await startLineApp(client, scratch);
    const observe = paneObserver(client, app.paneId, lineAppDetector());
    await deliver(app.context(bracketedPasteDelivery()), '/exit').catch(() => undefined);
    const dead = await retryUntil(
      async () => {
        const observation = await observe();
        if (observation.facts.deadStatus !== undefined) return observation;
        // tmux 3.3a now and then collects an exit status only once another child of the server exits.
        if (observation.facts.paneDead) await client.run(['run-shell', 'true']);
        return undefined;
      },
      { description: 'the exit status' },
    );
    expect(dead.facts).toMatchObject({ paneDead: true, deadStatus: 0 });
    await client.killPane(app.paneId);
    const gone = await observe();
    expect(gone.facts).toEqual({ paneDead: true, currentCommand: '' });
    expect(gone.detection.state).toBe('exited');
  });
});
