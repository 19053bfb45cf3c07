/**
 * End to end against the real Claude Code CLI (npm `@anthropic-ai/claude-code`),
 * offline: the CLI talks to a local stand-in for the Messages API, and the
 * test drives it only through the Orchestrator and Agent API.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import type { AgentPrompt, AgentState } from '../../src/agents/state.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import {
  claudeCodeEnvironment,
  createClaudeCodeHome,
  lastUserText,
  startMessagesApiStub,
  type MessagesApiStub,
} from '../support/messages-api-stub.js';

const CLAUDE = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

let api: MessagesApiStub;
let tmux: TestServer;
let orc: Orchestrator;
let claude: Agent;
let project: string;
const seen = new Set<AgentState>();

beforeAll(async () => {
  api = await startMessagesApiStub({ defaultText: 'Done.' });
  tmux = await createTestServer();
  project = join(tmux.directory, 'project');
  await mkdir(project);
  const home = await createClaudeCodeHome(join(tmux.directory, 'home'));
  orc = await Orchestrator.start({ servers: [tmux.server] });
  orc.on('agent:state', (change) => seen.add(change.to));
  claude = await orc.spawn({
    name: 'claude',
    kind: 'claude-code',
    command: [CLAUDE],
    cwd: project,
    env: { ...claudeCodeEnvironment(api), HOME: home, TZ: 'UTC', CLAUDE_CODE_MAX_RETRIES: '0' },
  });
});

afterAll(async () => {
  await orc?.close();
  await tmux?.kill();
  await api?.close();
});

/** Polls the agent until it is in `state` (showing a question that matches `question`), returning the detection. */
async function until(state: AgentState, options: { timeoutMs?: number; question?: RegExp } = {}) {
  return retryUntil(
    async () => {
      const status = await claude.state();
      if (status.state !== state) return undefined;
      if (options.question !== undefined && !options.question.test(status.detection.prompt?.question ?? '')) return undefined;
      return status.detection;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100, description: `claude to be ${state}` },
  );
}

function option(prompt: AgentPrompt | undefined, label: RegExp): string {
  const found = prompt?.options.find((candidate) => label.test(candidate.label));
  if (found === undefined) throw new Error(`no option ${String(label)} in ${JSON.stringify(prompt)}`);
  return found.key;
}

/** The turns in which the stand-in received `text` as what the user typed. */
function received(text: string): number {
  return api.turnRequests().filter((request) => lastUserText(request) === text).length;
}

describe('the real Claude Code CLI', () => {
  it('gets through the first-run prompts with agent.answer()', async () => {
    const trust = await until('waiting', { question: /trust/iu });
    await claude.answer(option(trust.prompt, /trust this folder/iu));
    const apiKey = await until('waiting', { question: /API key/iu });
    await claude.answer(option(apiKey.prompt, /^Yes$/u));
    await until('idle');
  });

  it('delivers messages exactly once and byte-exact', async () => {
    const messages = [
      'Hello from the orchestrator',
      // No tab: Claude Code itself turns a pasted tab into four spaces.
      `Quotes ' and " ; $HOME #{pane_id} #(touch ${join(project, 'injected')}) back\\slash ünï 世界 🚀`,
      'A message\nwith three\nlines',
    ];
    for (const message of messages) {
      const receipt = await claude.send(message);
      expect(receipt.delivered).toBe(true);
      await retryUntil(() => received(message) === 1, { timeoutMs: 20_000, description: 'the stand-in to receive the message' });
      await until('idle');
    }
    for (const message of messages) expect(received(message)).toBe(1);
    expect(existsSync(join(project, 'injected'))).toBe(false);
  });

  it('is seen working while a reply streams', async () => {
    api.enqueue({ kind: 'text', text: 'one two three four five six seven eight', deltas: 8, deltaDelayMs: 600 });
    await claude.send('Count slowly');
    await until('working', { timeoutMs: 10_000 });
    await until('idle');
  });

  it('waits on a tool approval and takes the answer', async () => {
    api.enqueue({ kind: 'tool_use', text: 'I will create the file.', name: 'Bash', input: { command: 'touch notes.txt', description: 'Create notes.txt' } });
    await claude.send('Create notes.txt');
    const approval = await until('waiting', { question: /proceed/iu });
    await claude.answer(option(approval.prompt, /^Yes$/u));
    await retryUntil(() => existsSync(join(project, 'notes.txt')), { timeoutMs: 20_000, description: 'the approved command to run' });
    await until('idle');
    expect(seen).toContain('waiting');
    expect(seen).toContain('working');
  });

  it('reports an API error', async () => {
    api.enqueue({ kind: 'error', status: 500, type: 'api_error', message: 'Internal server error' });
    await claude.send('This request fails');
    const errored = await until('errored');
    expect(errored.evidence.join(' ')).toMatch(/error/iu);
  });
});
