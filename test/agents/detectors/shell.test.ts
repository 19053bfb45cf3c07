import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShellDetector } from '../../../src/agents/detectors/shell.js';
import type { Detection, ProcessFacts } from '../../../src/agents/state.js';
import { createTestServer, retryUntil, type TestServer } from '../../../src/testing/index.js';
import type { TmuxClient } from '../../../src/tmux/client.js';
import { screenOf } from './screens.js';

const detector = createShellDetector();
let tmux: TestServer;
let client: TmuxClient;

beforeAll(async () => {
  tmux = await createTestServer({ config: ['set -g remain-on-exit on'] });
  client = await tmux.connect();
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

/** The pane's process facts and screen, read from tmux, and what the detector makes of them. */
async function read(paneId: string): Promise<{ screen: string[]; facts: ProcessFacts; detection: Detection }> {
  const [dead, status, command] = (await client.displayMessage('#{pane_dead}\t#{pane_dead_status}\t#{pane_current_command}', { target: paneId })).split('\t');
  const facts: ProcessFacts = {
    paneDead: dead === '1',
    currentCommand: command ?? '',
    ...(status === undefined || status === '' ? {} : { deadStatus: Number(status) }),
  };
  const screen = await client.capturePane(paneId);
  return { screen, facts, detection: detector.detect({ lines: screen }, facts) };
}

type Reading = Awaited<ReturnType<typeof read>>;

/** Polls the pane until `accept` takes a reading; returns that reading. */
function until(paneId: string, description: string, accept: (reading: Reading) => boolean): Promise<Reading> {
  return retryUntil(
    async () => {
      const reading = await read(paneId);
      return accept(reading) ? reading : undefined;
    },
    { timeoutMs: 10_000, description },
  );
}

/** An empty prompt is the screen's last line: the shell reads its input. */
const atPrompt = ({ screen }: Reading): boolean => screen.findLast((line) => line.trim() !== '')?.trimEnd() === 'any prompt %%';

describe('shell detector', () => {
  it('follows a real shell: idle at its prompt, working while a command runs, exited when the pane dies', async () => {
    const { paneId } = await client.newSession({ command: ['bash', '--norc', '--noprofile'], env: { PS1: 'any prompt %% ' } });
    // Until bash has drawn its prompt, tmux may name the pane's process after the pane's command or `tmux` (not yet exec'd).
    const idle = await until(paneId, 'the prompt', atPrompt);
    expect(idle.facts.currentCommand).toBe('bash');
    expect(idle.detection).toEqual({ state: 'idle', evidence: ['process: shell `bash` in front, no command running'] });

    await client.sendText(paneId, 'echo "tests failed"; echo "Error: build failed"; sleep 30\r');
    const working = await until(paneId, 'sleep running', ({ facts }) => facts.currentCommand === 'sleep');
    expect(working.detection).toEqual({ state: 'working', evidence: ['process: `sleep` running'] });

    await client.sendKeys(paneId, ['C-c']);
    await until(paneId, 'the prompt again', (reading) => atPrompt(reading) && reading.detection.state === 'idle');

    await client.sendText(paneId, 'exit 3\r');
    const exited = await until(paneId, 'the pane dead', ({ facts }) => facts.paneDead);
    // tmux 3.3a sometimes never reports `pane_dead_status` for a dead pane.
    const evidence = exited.facts.deadStatus === undefined ? 'process: pane dead' : 'process: pane dead (status 3)';
    expect(exited.detection).toEqual({ state: 'exited', evidence: [evidence] });
  });

  it('never reads the screen: error words with a shell in front are idle', () => {
    const screen = screenOf('tests failed', 'Error: build failed', 'Segmentation fault (core dumped)', 'exit 1', '$ ');
    expect(detector.detect(screen, { paneDead: false, currentCommand: 'zsh' }).state).toBe('idle');
    expect(detector.detect(screen, { paneDead: false, currentCommand: 'npm' }).state).toBe('working');
  });

  it('describes itself', () => {
    expect(detector).toMatchObject({ name: 'shell', experimental: false, acceptsInput: ['idle'], interruptKeys: ['C-c'], clearInputKeys: ['C-e', 'C-u'] });
    expect(detector.processNames).toContain('bash');
    expect(() => createShellDetector({ prompt: '$' })).toThrow('Unknown option `prompt` for the `shell` detector (it takes none)');
  });
});
