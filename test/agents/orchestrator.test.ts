import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateAgentError, UnknownAgentError } from '../../src/agents/errors.js';
import { AGENT_OPTIONS } from '../../src/agents/record.js';
import type { AgentKind } from '../../src/agents/strategy-kinds.js';
import { InvalidArgumentError, InvalidOptionError } from '../../src/errors.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { UnknownStrategyError } from '../../src/strategies/registry.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import type { TmuxClient } from '../../src/tmux/client.js';

const SHELL = ['bash', '--norc', '--noprofile'];

declare module '../../src/agents/strategy-kinds.js' {
  interface AgentKinds {
    /** Registered by the plugin in the last test. */
    'my-cli': true;
  }
}

let tmux: TestServer;
let client: TmuxClient;
let orc: Orchestrator;

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
  orc = await Orchestrator.start({ servers: [tmux.server] });
});

afterAll(async () => {
  await orc?.close();
  await client?.close();
  await tmux?.kill();
});

describe('Orchestrator', () => {
  it('starts with an empty fleet on an empty server and validates its options', async () => {
    expect(orc.agents).toEqual([]);
    await expect(Orchestrator.start({ servers: [] })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(Orchestrator.start({ servers: [{ socketName: 'a', socketPath: '/tmp/b' }] })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(() => orc.agent('nobody')).toThrow(UnknownAgentError);
  });

  it('spawns an agent with any printable name and records it in tmux', async () => {
    const name = 'eng 1: ü.x "quoted" $HOME #{pane_id}';
    const added: string[] = [];
    orc.on('agent:added', (agent, how) => added.push(`${agent.name}/${how}`));
    const agent = await orc.spawn({ name, kind: 'shell', command: SHELL, session: 'project-x', cwd: tmux.directory });
    expect(agent.name).toBe(name);
    expect(agent.kind).toBe('shell');
    expect(agent.paneId).toMatch(/^%\d+$/u);
    expect(orc.agent(name)).toBe(agent);
    expect(added).toEqual([`${name}/spawned`]);
    expect(await client.showOption(AGENT_OPTIONS.name, { target: agent.paneId, scope: 'pane' })).toBe(name);
    expect(await client.showOption(AGENT_OPTIONS.kind, { target: agent.paneId, scope: 'pane' })).toBe('shell');
    expect(JSON.parse((await client.showOption(AGENT_OPTIONS.command, { target: agent.paneId, scope: 'pane' })) ?? '')).toEqual(SHELL);
    expect(await client.showOption('remain-on-exit', { target: agent.paneId, scope: 'pane' })).toBe('on');
    const [pane] = await client.listPanes(agent.paneId);
    expect(pane?.sessionName).toBe('project-x');
    await retryUntil(async () => (await client.listPanes(agent.paneId))[0]?.currentCommand === 'bash');
  });

  it('refuses duplicate names, unknown kinds and bad input with typed errors, creating nothing', async () => {
    const before = (await client.listPanes()).length;
    const existing = orc.agents[0]?.name ?? '';
    await expect(orc.spawn({ name: existing, kind: 'shell', command: SHELL })).rejects.toBeInstanceOf(DuplicateAgentError);
    // The type forbids an unknown kind; at run time it is an UnknownStrategyError.
    const unknown = orc.spawn({ name: 'x', kind: 'no-such-cli' as AgentKind, command: SHELL });
    await expect(unknown).rejects.toBeInstanceOf(UnknownStrategyError);
    await expect(unknown).rejects.toThrow(/claude-code/u);
    await expect(orc.spawn({ name: 'bad\nname', kind: 'shell', command: SHELL })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(orc.spawn({ name: 'y', kind: 'shell', command: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(orc.spawn({ name: 'z', kind: 'shell', command: SHELL, session: 'a:b' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await client.listPanes()).length).toBe(before);
    expect(orc.get('x')).toBeUndefined();
  });

  it('delivers a message to a shell agent and the shell runs it', async () => {
    const agent = await orc.spawn({ name: 'sh-send', kind: 'shell', command: SHELL, cwd: tmux.directory });
    await retryUntil(async () => (await agent.state()).state === 'idle', { timeoutMs: 10_000 });
    const file = join(tmux.directory, 'sent.txt');
    const receipt = await agent.send(`printf '%s' 'it''s; $HOME #{pane_id}' > ${file}`);
    expect(receipt.delivered).toBe(true);
    expect(receipt.attempts).toBeGreaterThanOrEqual(1);
    expect(await retryUntil(() => readFile(file, 'utf8').catch(() => undefined))).toBe("its; $HOME #{pane_id}");
  });

  it('captures the last lines of an agent', async () => {
    const agent = orc.agent('sh-send');
    await agent.send('seq 1 40');
    const lines = await retryUntil(async () => {
      const captured = await agent.capture({ lines: 5 });
      return captured.some((line) => line === '40') ? captured : undefined;
    });
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines).toContain('39');
  });

  it('adopts a pane started by hand', async () => {
    const { paneId } = await client.newSession({ name: 'by-hand', command: SHELL });
    const agent = await orc.adopt(paneId, { kind: 'shell' });
    expect(agent.name).toBe('by-hand:bash');
    expect(agent.paneId).toBe(paneId);
    expect(await client.showOption(AGENT_OPTIONS.kind, { target: paneId, scope: 'pane' })).toBe('shell');
    await expect(orc.adopt(paneId, { kind: 'shell', name: 'sh-send' })).rejects.toBeInstanceOf(DuplicateAgentError);
    await expect(agent.restart()).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('restarts an agent in the same pane and kills it', async () => {
    const agent = await orc.spawn({ name: 'to-restart', kind: 'shell', command: SHELL });
    const before = (await client.listPanes(agent.paneId))[0]?.pid;
    await agent.restart();
    await retryUntil(async () => {
      const pid = (await client.listPanes(agent.paneId))[0]?.pid;
      return pid !== undefined && pid !== before;
    });
    const removed: string[] = [];
    orc.on('agent:removed', (gone) => removed.push(gone.name));
    await agent.kill();
    expect(removed).toEqual(['to-restart']);
    expect(orc.get('to-restart')).toBeUndefined();
    expect((await client.listPanes()).some((pane) => pane.id === agent.paneId)).toBe(false);
  });

  it('recognises the original scripts’ layout and finds recorded agents from a new orchestrator', async () => {
    await client.newSession({ name: 'legacy', windowName: 'Claude-Agent', command: ['cat'] });
    const second = await Orchestrator.start({ servers: [tmux.server] });
    try {
      const names = second.agents.map((agent) => `${agent.name}=${agent.kind}`).sort();
      const expected = [...orc.agents.map((agent) => `${agent.name}=${agent.kind}`), 'legacy:Claude-Agent=claude-code'].sort();
      expect(names).toEqual(expected);
      expect(await client.showOption(AGENT_OPTIONS.kind, { target: second.agent('legacy:Claude-Agent').paneId, scope: 'pane' })).toBe('claude-code');
      expect(second.agent('sh-send').command).toEqual(SHELL);
    } finally {
      await second.close();
    }
  });

  it('takes plugins that register strategies, and closes idempotently', async () => {
    const teardowns: string[] = [];
    const third = await Orchestrator.start({
      servers: [tmux.server],
      discover: false,
      plugins: [
        {
          name: 'my-cli',
          setup: ({ registry }) => {
            const unregister = registry.register('detector', 'my-cli', (options) => ({ ...registry.get('detector', 'shell')(options), name: 'my-cli' }));
            return () => {
              unregister();
              teardowns.push('my-cli');
            };
          },
        },
      ],
    });
    const agent = await third.spawn({ name: 'custom', kind: 'my-cli', command: SHELL });
    expect(agent.kind).toBe('my-cli');
    expect(third.registry.names('detector')).toContain('my-cli');
    await Promise.all([third.close(), third.close()]);
    expect(teardowns).toEqual(['my-cli']);
    expect(third.registry.has('detector', 'my-cli')).toBe(false);
    // Without the plugin, an agent of that kind is left alone by discovery.
    await orc.discover();
    expect(orc.get('custom')).toBeUndefined();
  });
});
