import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaudeCodeDetector } from '../../src/agents/detectors/claude-code.js';
import type { Detection } from '../../src/agents/state.js';
import { InvalidOptionError, type TmuxClient } from '../../src/index.js';
import { LIGHT_AGENT_PROCESS_NAME, lightAgentCommand, type LightAgentOptions } from '../../src/testing/fake-agent/light.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

let tmux: TestServer;
let client: TmuxClient;
const detector = createClaudeCodeDetector();

beforeAll(async () => {
  tmux = await createTestServer();
  client = await tmux.connect();
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

async function start(options: LightAgentOptions, size = { width: 100, height: 30 }): Promise<string> {
  const { paneId } = await client.newSession({ command: lightAgentCommand(options), ...size });
  return paneId;
}

/** The pane's screen and what the claude-code detector makes of it. */
async function read(paneId: string): Promise<{ lines: string[]; detection: Detection }> {
  const [pane] = await client.listPanes(paneId);
  const lines = await client.capturePane(paneId);
  const detection = detector.detect({ lines }, { paneDead: pane?.dead ?? true, currentCommand: pane?.currentCommand ?? '' });
  return { lines, detection };
}

function waitForState(paneId: string, state: string): Promise<{ lines: string[]; detection: Detection }> {
  return retryUntil(
    async () => {
      const screen = await read(paneId);
      return screen.detection.state === state ? screen : undefined;
    },
    { timeoutMs: 10_000, description: `pane ${paneId} to be ${state}` },
  );
}

/** Numbers of the `NAME output N` lines on screen. */
function outputNumbers(lines: readonly string[], name: string): number[] {
  const pattern = new RegExp(`^  ⎿  ${name} output (\\d+)$`, 'u');
  return lines.flatMap((line) => {
    const match = pattern.exec(line);
    return match === null ? [] : [Number(match[1])];
  });
}

/** Resident and proportional set size of a process, in kB, from /proc. */
function memoryKb(pid: number): { rss: number; pss: number } {
  const field = (text: string, name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'mu').exec(text)?.[1] ?? Number.NaN);
  return {
    rss: field(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'),
    pss: field(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'),
  };
}

describe('lightAgentCommand', () => {
  it('checks its options', () => {
    const cases: [LightAgentOptions, string][] = [
      [{ name: '' }, 'Expected `name` to be a non-empty string without control characters, got `` (string)'],
      [{ name: 'a\nb' }, 'Expected `name` to be a non-empty string without control characters'],
      [{ name: 7 as unknown as string }, 'got `7` (number)'],
      [{ active: 'yes' as unknown as boolean }, 'Expected `active` to be a boolean, got `yes` (string)'],
      [{ intervalMs: -1 }, 'Expected `intervalMs` to be a positive number, got `-1` (number)'],
      [{ intervalMs: 0.5 }, 'Expected `intervalMs` to be at least 1, got `0.5` (number)'],
      [{ lines: 1.5 }, 'Expected `lines` to be an integer >= 0, got `1.5` (number)'],
    ];
    for (const [options, message] of cases) {
      expect(() => lightAgentCommand(options)).toThrow(InvalidOptionError);
      expect(() => lightAgentCommand(options)).toThrow(message);
    }
  });

  it('passes the name as an argument, never as script text', () => {
    const name = `x'; touch /tmp/pwned; echo '$(id)`;
    const argv = lightAgentCommand({ name });
    expect(argv.filter((arg) => arg.includes(name))).toEqual([name]);
  });

  it('shows an idle Claude Code screen with its name and start lines, under its own process name', async () => {
    const paneId = await start({ name: 'eng-1', lines: 3 });
    const { lines, detection } = await waitForState(paneId, 'idle');
    expect(detection.evidence).toEqual(['screen: empty input box']);
    expect(lines.some((line) => line.includes('eng-1') && !line.includes('line'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('eng-1 line '))).toEqual(['eng-1 line 1', 'eng-1 line 2', 'eng-1 line 3']);
    expect(lines).toContain('  ? for shortcuts');
    const [pane] = await client.listPanes(paneId);
    expect(pane?.currentCommand).toBe(LIGHT_AGENT_PROCESS_NAME);
  });

  it('keeps printing output under a live spinner when active', async () => {
    const paneId = await start({ name: 'eng-2', active: true, intervalMs: 20 });
    const first = await waitForState(paneId, 'working');
    expect(first.detection.evidence).toContain('screen: "esc to interrupt"');
    const before = Math.max(0, ...outputNumbers(first.lines, 'eng-2'));
    // Still working, and further along: output keeps coming.
    const later = await retryUntil(
      async () => {
        const screen = await read(paneId);
        return Math.max(0, ...outputNumbers(screen.lines, 'eng-2')) >= before + 10 ? screen : undefined;
      },
      { timeoutMs: 10_000, description: 'ten more lines of output' },
    );
    expect(later.detection.state).toBe('working');
    // Consecutive lines, none lost to the redraw of the box.
    const numbers = outputNumbers(later.lines, 'eng-2');
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
  });

  it('still reads as idle after its window is resized', async () => {
    const paneId = await start({ name: 'eng-3' }, { width: 100, height: 20 });
    await waitForState(paneId, 'idle');
    await client.run(['resize-window', '-t', paneId, '-x', '50', '-y', '20']);
    await retryUntil(async () => (await client.listPanes(paneId))[0]?.width === 50, { description: 'a 50-column pane' });
    const { lines } = await waitForState(paneId, 'idle');
    expect(lines.every((line) => line.length <= 50)).toBe(true);
  });

  it('runs 50 agents in a few MB each', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `fleet-${i}`);
    const panes = await Promise.all(names.map((name, i) => start({ name, active: i % 10 === 0, intervalMs: 100 })));
    await retryUntil(
      async () => {
        const states = await Promise.all(panes.map(async (paneId) => (await read(paneId)).detection.state));
        return states.every((state, i) => state === (i % 10 === 0 ? 'working' : 'idle'));
      },
      { timeoutMs: 30_000, intervalMs: 200, description: '50 agents on screen' },
    );
    const pids = await Promise.all(panes.map(async (paneId) => (await client.listPanes(paneId))[0]?.pid ?? 0));
    const memory = pids.map(memoryKb);
    const rssMb = memory.reduce((sum, m) => sum + m.rss, 0) / 1024;
    const pssMb = memory.reduce((sum, m) => sum + m.pss, 0) / 1024;
    console.log(`50 light agents: RSS ${rssMb.toFixed(1)} MB in total (${(rssMb / 50).toFixed(2)} MB each), PSS ${pssMb.toFixed(1)} MB`);
    expect(memory.every((m) => m.rss > 0 && m.pss > 0)).toBe(true);
    expect(rssMb / 50).toBeLessThan(8);
    expect(pssMb).toBeLessThan(rssMb);
  }, 60_000);
});
