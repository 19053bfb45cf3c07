import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Orchestrator } from '../../src/orchestrator.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;

beforeAll(async () => {
  tmux = await createTestServer();
});

afterAll(async () => {
  await tmux?.kill();
});

it('finds every agent with its name and kind after the orchestrator process that spawned them is killed', async () => {
  const agents = Array.from({ length: 6 }, (_, i) => ({
    name: i % 2 === 0 ? `eng-${i}` : `reviewer ${i}: “ü” . $x`,
    kind: i % 3 === 0 ? 'claude-code' : 'shell',
    session: i < 3 ? 'alpha' : 'beta',
  }));
  const script = fileURLToPath(new URL('./support/spawn-fleet.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, tmux.socketPath, JSON.stringify(agents)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await retryUntil(() => output.includes('ready'), { timeoutMs: 20_000, description: 'the first orchestrator to spawn its fleet' });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  await using orc = await Orchestrator.start({ servers: [tmux.server], startServer: false });
  const found = orc.agents.map((agent) => ({ name: agent.name, kind: agent.kind })).sort((a, b) => a.name.localeCompare(b.name));
  expect(found).toEqual(agents.map(({ name, kind }) => ({ name, kind })).sort((a, b) => a.name.localeCompare(b.name)));
  for (const agent of orc.agents) expect(agent.command).toEqual(['bash', '--norc', '--noprofile']);
});
