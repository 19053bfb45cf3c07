import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, type TmuxClient } from '../../src/index.js';
import { fakeAgentCommand, type FakeAgentOptions } from '../../src/testing/fake-agent/launch.js';
import { readFakeAgentLog, type FakeAgentLogEntry } from '../../src/testing/fake-agent/log.js';
import type { FakeAgentScript } from '../../src/testing/fake-agent/script.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

const WIDTH = 100;
const HEIGHT = 30;
const RULE = '─'.repeat(WIDTH);
const EMPTY_BOX = '❯\u00a0';
const INTERRUPTED = '  ⎿ \u00a0Interrupted · What should Claude do instead?';

let tmux: TestServer;
let client: TmuxClient;
let scratch: string;

beforeAll(async () => {
  // Panes whose process exits stay, so their exit status can be read.
  tmux = await createTestServer({ config: ['set -g remain-on-exit on'] });
  client = await tmux.connect();
  scratch = tmux.directory; // removed with the server
});
afterAll(async () => {
  await client.close();
  await tmux.kill();
});

let agents = 0;
let pastes = 0;

/** A fake agent in a pane of its own. */
class FakeAgent {
  constructor(
    readonly paneId: string,
    readonly log: string,
  ) {}

  static async start(script?: FakeAgentScript | string, options: Partial<FakeAgentOptions> = {}): Promise<FakeAgent> {
    agents += 1;
    const log = join(scratch, `agent-${agents}.jsonl`);
    const { paneId } = await client.newSession({
      command: fakeAgentCommand({ log, ...(script === undefined ? {} : { script }), ...options }),
      width: WIDTH,
      height: HEIGHT,
      env: { TZ: 'UTC', LANG: 'C.UTF-8' },
    });
    return new FakeAgent(paneId, log);
  }

  /** Starts an agent and waits for its empty prompt. */
  static async ready(script?: FakeAgentScript, options: Partial<FakeAgentOptions> = {}): Promise<FakeAgent> {
    const agent = await FakeAgent.start(script, options);
    await agent.waitFor('the idle prompt', isIdle);
    return agent;
  }

  screen(): Promise<string[]> {
    return client.capturePane(this.paneId);
  }

  /** Waits until the screen satisfies `predicate`, and returns it. */
  async waitFor(description: string, predicate: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
    let last: string[] = [];
    try {
      return await retryUntil(
        async () => {
          last = await this.screen();
          return predicate(last) ? last : undefined;
        },
        { timeoutMs, description },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen was:\n${last.join('\n')}`, { cause: error });
    }
  }

  waitForLine(line: string): Promise<string[]> {
    return this.waitFor(JSON.stringify(line), (lines) => lines.includes(line));
  }

  type(text: string): Promise<void> {
    return client.sendText(this.paneId, text);
  }

  keys(...keys: string[]): Promise<void> {
    return client.sendKeys(this.paneId, keys);
  }

  /** Pastes `text` with `paste-buffer -p` (bracketed, LF sent as CR as tmux does without `-r`). */
  async paste(text: string): Promise<void> {
    pastes += 1;
    const buffer = `fake-agent-paste-${pastes}`;
    const file = join(scratch, `${buffer}.txt`);
    await writeFile(file, text);
    await client.run(['load-buffer', '-b', buffer, file]);
    await client.run(['paste-buffer', '-p', '-d', '-b', buffer, '-t', this.paneId]);
  }

  /** Waits until the log has `count` entries and returns them. */
  messages(count: number): Promise<FakeAgentLogEntry[]> {
    return retryUntil(
      async () => {
        const entries = await readFakeAgentLog(this.log);
        return entries.length >= count ? entries : undefined;
      },
      { timeoutMs: 10_000, description: `${count} messages in ${this.log}` },
    );
  }

  async format(format: string): Promise<string> {
    return client.displayMessage(format, { target: this.paneId });
  }

  /**
   * Waits for the pane's process to exit and returns its status. tmux (3.3a)
   * now and then collects a pane's exit only when another child of the server
   * exits; `run-shell true` provides one.
   */
  async exitStatus(): Promise<number> {
    const pane = await retryUntil(
      async () => {
        const row = (await client.listPanes(this.paneId)).find((candidate) => candidate.id === this.paneId);
        if (row?.dead === true && row.deadStatus === undefined) await client.run(['run-shell', 'true']);
        return row?.dead === true && row.deadStatus !== undefined ? row : undefined;
      },
      { timeoutMs: 10_000, description: 'the pane to die with an exit status' },
    );
    return pane.deadStatus as number;
  }
}

/** The box is empty and the shortcuts hint is under it. */
function isIdle(lines: readonly string[]): boolean {
  return boxLines(lines)?.join('\n') === EMPTY_BOX && lines.includes('  ? for shortcuts');
}

/** The lines between the last two rules (the input box), if there are two. */
function boxLines(lines: readonly string[]): string[] | undefined {
  const end = lines.lastIndexOf(RULE);
  const start = lines.lastIndexOf(RULE, end - 1);
  return start === -1 ? undefined : lines.slice(start + 1, end);
}

/** The line under the box. */
function footer(lines: readonly string[]): string | undefined {
  return lines[lines.lastIndexOf(RULE) + 1];
}

/** `7:18am` for the minute after `time`, in UTC. */
function utcClock(time: number): string {
  const date = new Date(Math.ceil(time / 60_000) * 60_000);
  const hours = date.getUTCHours();
  return `${hours % 12 || 12}:${String(date.getUTCMinutes()).padStart(2, '0')}${hours < 12 ? 'am' : 'pm'}`;
}

const SPINNER = /^[·✢✳✶✻✽] [A-Z][a-z]+… \((\d+)s · ↓ \d+ tokens\)$/u;

describe('fakeAgentCommand', () => {
  it('runs the program from the sources through tsx, with absolute paths', () => {
    const argv = fakeAgentCommand({ log: 'relative.jsonl', script: { workMs: 5 }, name: 'w1' });
    expect(argv[0]).toBe(process.execPath);
    expect(argv[1]).toBe('--import');
    expect(argv[2]).toMatch(/^file:\/\/.*tsx/u);
    expect(argv[3]).toMatch(/src\/testing\/fake-agent\/program\.ts$/u);
    expect(argv.slice(4)).toEqual(['--log', join(process.cwd(), 'relative.jsonl'), '--script', '{"workMs":5}', '--name', 'w1']);
    expect(fakeAgentCommand({ log: '/l', script: 'script.json' }).slice(-2)).toEqual(['--script', join(process.cwd(), 'script.json')]);
  });

  it('checks the script and the log path before anything runs', () => {
    expect(() => fakeAgentCommand({ log: '/l', script: { steps: [{ do: 'dance' }] } as unknown as FakeAgentScript })).toThrow(
      InvalidOptionError,
    );
    expect(() => fakeAgentCommand({ log: '' })).toThrow(/Expected `log` to be a file path/u);
  });
});

// Each test has its own agent in its own session: they run side by side.
describe.concurrent('the fake agent', () => {
  it("draws Claude Code's idle prompt: ❯ and a no-break space between two rules, the shortcuts hint under them", async () => {
    const agent = await FakeAgent.ready(undefined, { name: 'worker-7' });
    const lines = await agent.screen();
    expect(lines).toHaveLength(HEIGHT);
    expect(lines[0]).toMatch(/^╭─── Fake Agent · worker-7 ─+╮$/u);
    const rule = lines.lastIndexOf(RULE);
    expect(lines.slice(rule - 2, rule + 2)).toEqual([RULE, EMPTY_BOX, RULE, '  ? for shortcuts']);
    expect(await agent.format('#{pane_current_command}')).toBe('node');
  });

  it('logs what was typed byte for byte: quotes, tmux and shell syntax, tabs, emoji, CJK', async () => {
    const agent = await FakeAgent.ready({ workMs: 0 });
    const texts = [
      `it's "quoted" and 'single'`,
      'a;b ; c \\; d',
      '$HOME ${HOME} ~ ~root $(echo no) `echo no`',
      '#{pane_id} ## #(echo x) #[fg=red]',
      'back\\slash \\n \\\\ \\',
      'tab\there\t',
      '-n --flag --',
      'emoji 😀 👩‍💻 👍🏽 🇫🇷',
      'CJK 日本語 中文 한국어 ｆｕｌｌ',
      'combining é e\u0301 zero\u200bwidth',
    ];
    for (const text of texts) {
      await agent.type(text);
      await agent.keys('Enter');
    }
    const entries = await agent.messages(texts.length);
    expect(entries.map((entry) => entry.text)).toEqual(texts);
    expect(entries.map((entry) => entry.seq)).toEqual(texts.map((_, index) => index + 1));
    await agent.waitFor('the last reply', (lines) => isIdle(lines) && lines.some((line) => line.startsWith('❯ combining')));
  });

  it('takes a bracketed paste into the box without submitting it; Enter sends it exactly', async () => {
    const agent = await FakeAgent.ready({ workMs: 0 });
    const short = 'first line\nsecond; $HOME\tend';
    await agent.paste(short);
    await agent.waitFor('the pasted lines in the box', (lines) => boxLines(lines)?.join('\n') === '❯\u00a0first line\n  second; $HOME    end');
    expect(await readFakeAgentLog(agent.log)).toEqual([]);
    await agent.keys('Enter');
    // The first turn ends before the next paste, so the footer below shows what the paste alone did.
    await agent.waitFor('the first message answered', (l) => l.some((line) => line.startsWith('● ')) && footer(l) !== '  esc to interrupt');

    const long = Array.from({ length: 12 }, (_, i) => `line ${i + 1} of the pasted message`).join('\n');
    await agent.paste(long);
    const lines = await agent.waitFor('the collapsed paste', (l) => boxLines(l)?.join('\n') === '❯\u00a0[Pasted text #1 +11 lines]');
    expect(footer(lines)).toBe('');
    await agent.type(' and typed');
    await agent.keys('Enter');
    const entries = await agent.messages(2);
    expect(entries.map((entry) => entry.text)).toEqual([short, `${long} and typed`]);
  });

  it('receives a 100 KB paste exactly', async () => {
    const agent = await FakeAgent.ready({ workMs: 0 });
    const line = 'Ünïcödé 日本語 😀 "quotes" \'single\' $HOME #{pane_id} back\\slash; tab\t.';
    let text = '';
    for (let i = 0; text.length < 100_000; i += 1) text += `${i}: ${line}\n`;
    text += 'the end';
    await agent.paste(text);
    const breaks = text.split('\n').length - 1;
    await agent.waitForLine(`❯\u00a0[Pasted text #1 +${breaks} lines]`);
    await agent.keys('Enter');
    const [entry] = await agent.messages(1);
    expect(entry?.text.length).toBe(text.length);
    expect(entry?.text).toBe(text);
  });

  it('edits the box: Backspace, C-j for a newline, C-u to clear', async () => {
    const agent = await FakeAgent.ready({ workMs: 0 });
    await agent.type('abc😀');
    await agent.keys('BSpace', 'BSpace', 'C-j');
    await agent.type('next');
    await agent.waitFor('two lines in the box', (lines) => boxLines(lines)?.join('\n') === '❯\u00a0ab\n  next');
    await agent.keys('C-u');
    await agent.waitFor('the box cleared', isIdle);
    await agent.type('kept');
    await agent.keys('C-j');
    await agent.type('line two');
    await agent.keys('Enter');
    expect((await agent.messages(1)).map((entry) => entry.text)).toEqual(['kept\nline two']);
  });

  it('shows the spinner and "esc to interrupt" while working; Escape takes the message back into the box', async () => {
    const agent = await FakeAgent.ready({ workMs: 60_000 });
    await agent.type('a long task');
    await agent.keys('Enter');
    const working = await agent.waitFor('the spinner at 1s', (lines) => lines.some((line) => SPINNER.exec(line)?.[1] === '1'));
    expect(footer(working)).toBe('  esc to interrupt');
    expect(boxLines(working)).toEqual([EMPTY_BOX]);
    expect(working).toContain('❯ a long task');
    await agent.keys('Escape');
    // As in Claude Code: nothing had come back, so the message leaves the transcript for the box.
    const idle = await agent.waitFor('the message back in the box', (lines) => boxLines(lines)?.join('\n') === '❯\u00a0a long task');
    expect(idle).not.toContain('❯ a long task');
    expect(idle).not.toContain(INTERRUPTED);
    expect(idle.some((line) => SPINNER.test(line))).toBe(false);
    expect(footer(idle)).toBe('');
    // Sent again, it is a second message; Ctrl-C takes it back the same way.
    await agent.keys('Enter');
    await agent.waitFor('working again', (lines) => footer(lines) === '  esc to interrupt');
    await agent.keys('C-c');
    await agent.waitForLine('❯\u00a0a long task');
    expect((await agent.messages(2)).map((entry) => entry.text)).toEqual(['a long task', 'a long task']);
  });

  it('keeps a draft typed while working, and notes the interruption instead', async () => {
    const agent = await FakeAgent.ready({ workMs: 60_000 });
    await agent.type('the task');
    await agent.keys('Enter');
    await agent.waitFor('working', (lines) => footer(lines) === '  esc to interrupt');
    await agent.type('a draft');
    await agent.waitForLine('❯\u00a0a draft');
    await agent.keys('Escape');
    const idle = await agent.waitFor('the interruption', (lines) => lines.includes(INTERRUPTED));
    expect(idle[idle.indexOf(INTERRUPTED) - 1]).toBe('❯ the task');
    expect(boxLines(idle)).toEqual(['❯\u00a0a draft']);
  });

  it('queues messages submitted while working, lists them under the spinner, and answers them in order', async () => {
    const agent = await FakeAgent.ready({ workMs: 1_000, reply: 'Done with {seq}: {text}' });
    for (const text of ['one', 'two', 'three']) {
      await agent.type(text);
      await agent.keys('Enter');
    }
    const queued = await agent.waitFor('two queued', (lines) => lines.includes('  ❯ three'));
    const spinner = queued.findIndex((line) => SPINNER.test(line));
    expect(queued.slice(spinner + 1, spinner + 3)).toEqual(['  ❯ two', '  ❯ three']);
    expect(boxLines(queued)).toEqual(['❯\u00a0Press up to edit queued messages']);
    await agent.waitFor('all three answered', (lines) => isIdle(lines) && lines.includes('● Done with 3: three'));
    const lines = await agent.screen();
    expect(lines.indexOf('● Done with 1: one')).toBeLessThan(lines.indexOf('● Done with 2: two'));
    expect((await agent.messages(3)).map((entry) => entry.text)).toEqual(['one', 'two', 'three']);
  });

  it('goes on with the next queued message when the current one is interrupted', async () => {
    const agent = await FakeAgent.ready({ workMs: 60_000, steps: [{ on: { nth: 2 }, do: 'reply', workMs: 0, reply: 'Second done.' }] });
    await agent.type('first');
    await agent.keys('Enter');
    await agent.type('second');
    await agent.keys('Enter');
    await agent.waitForLine('  ❯ second');
    await agent.keys('Escape');
    const idle = await agent.waitFor('the queued message answered', (lines) => isIdle(lines) && lines.includes('● Second done.'));
    expect(idle.slice(idle.indexOf('❯ first'), idle.indexOf('❯ first') + 4)).toEqual(['❯ first', INTERRUPTED, '', '❯ second']);
  });

  it('asks for approval, and goes on or stops by the answer', async () => {
    const agent = await FakeAgent.ready({
      workMs: 50,
      steps: [{ on: { match: 'deploy' }, do: 'approval', command: 'npm run deploy', reply: 'Deployed.' }],
    });
    await agent.type('deploy it');
    await agent.keys('Enter');
    const waiting = await agent.waitForLine(' Do you want to proceed?');
    const question = waiting.indexOf(' Do you want to proceed?');
    expect(waiting.slice(question - 5, question + 7)).toEqual([
      RULE,
      ' Bash command',
      '',
      '   npm run deploy',
      '',
      ' Do you want to proceed?',
      ' ❯ 1. Yes',
      '   2. Yes, and always allow access to project/ from this project',
      '   3. No',
      '',
      ' Esc to cancel · Tab to amend',
      '',
    ]);
    expect(waiting).toContain('● Bash(npm run deploy)');
    expect(waiting).toContain('  ⎿ \u00a0Waiting…');
    await agent.keys('2');
    const done = await agent.waitFor('the reply', (lines) => isIdle(lines) && lines.includes('● Deployed.'));
    expect(done).toContain('  ⎿ \u00a0Done');

    await agent.type('deploy again');
    await agent.keys('Enter');
    await agent.waitForLine(' ❯ 1. Yes');
    await agent.keys('Down');
    await agent.waitForLine(' ❯ 2. Yes, and always allow access to project/ from this project');
    await agent.keys('Escape');
    const refused = await agent.waitFor('the refusal', (lines) => isIdle(lines) && !lines.includes(' Do you want to proceed?'));
    expect(refused.slice(-12)).toContain(INTERRUPTED);

    await agent.type('deploy once more');
    await agent.keys('Enter');
    await agent.waitForLine(' Do you want to proceed?');
    await agent.keys('Down', 'Down', 'Enter'); // "3. No"
    await agent.waitFor('the second refusal', (lines) => isIdle(lines) && lines.filter((line) => line === INTERRUPTED).length === 2);
    expect((await agent.messages(3)).map((entry) => entry.text)).toEqual(['deploy it', 'deploy again', 'deploy once more']);
  });

  it('shows a session limit with its reset time, then goes on by itself', async () => {
    const agent = await FakeAgent.ready({ workMs: 0, steps: [{ on: { nth: 1 }, do: 'rate-limit', resetInSeconds: 2, reply: 'After the limit.' }] });
    await agent.type('first');
    await agent.keys('Enter');
    const sent = Date.now();
    const limited = await agent.waitFor('the limit notice', (lines) => lines.some((line) => line.includes('Session limit reached')));
    const seen = Date.now();
    const notice = limited.find((line) => line.includes('Session limit reached')) ?? '';
    const match = /^✻ Session limit reached · Retrying in (\d)s \((\d{1,2}:\d\d[ap]m)\) · attempt 1\/1$/u.exec(notice);
    expect(match, notice).not.toBeNull();
    // The pane runs with TZ=UTC; the limit resets 2 s after the notice appeared, shown as the next minute.
    expect([utcClock(sent + 2_000), utcClock(seen + 2_000)]).toContain(match?.[2]);
    expect(footer(limited)).toBe('  esc to interrupt');
    await agent.waitFor('the reply after the reset', (lines) => isIdle(lines) && lines.includes('● After the limit.'));
  });

  it('ends a turn with an API error, back at the prompt', async () => {
    const agent = await FakeAgent.ready({ workMs: 0, steps: [{ on: { nth: 2 }, do: 'error' }] });
    for (const text of ['one', 'two', 'three']) {
      await agent.type(text);
      await agent.keys('Enter');
    }
    const lines = await agent.waitFor('three turns', (l) => isIdle(l) && l.includes('❯ three') && l.filter((line) => line === '● OK.').length === 2);
    const error = lines.findIndex((line) => line.startsWith('● API Error: 500 Internal server error.'));
    expect(error).toBeGreaterThan(lines.indexOf('❯ two'));
    expect(lines[error + 1]).toMatch(/^ {2}\S.*moment\.$/u);
    expect(error).toBeLessThan(lines.indexOf('❯ three'));
  });

  it('crashes with a stack trace and the scripted exit status', async () => {
    const agent = await FakeAgent.ready({ workMs: 0, steps: [{ on: { match: 'crash' }, do: 'crash', exitCode: 3, message: 'boom' }] });
    await agent.type('please crash');
    await agent.keys('Enter');
    expect(await agent.exitStatus()).toBe(3);
    const lines = await agent.screen();
    const error = lines.indexOf('Error: boom');
    expect(error).toBeGreaterThan(lines.lastIndexOf(RULE));
    expect(lines[error + 1]).toMatch(/^ {4}at /u);
    expect((await agent.messages(1))[0]?.text).toBe('please crash');
  });

  it('exits with status 0 on a second Ctrl-C', async () => {
    const agent = await FakeAgent.ready();
    await agent.type('draft');
    await agent.keys('C-c');
    await agent.waitFor('the box cleared by the first Ctrl-C', isIdle);
    await agent.keys('C-c');
    const pending = await agent.waitFor('the exit hint', (lines) => footer(lines) === '  Press Ctrl-C again to exit');
    expect(boxLines(pending)).toEqual([EMPTY_BOX]);
    await agent.keys('C-c');
    expect(await agent.exitStatus()).toBe(0);
  });

  it('asks the first-run trust question when told to', async () => {
    const trusting = await FakeAgent.start({ trustPrompt: true });
    const question = await trusting.waitForLine(' ❯ 1. Yes, I trust this folder');
    expect(question).toContain('   2. No, exit');
    expect(question).toContain(' Enter to confirm · Esc to cancel');
    expect(question).not.toContain(EMPTY_BOX);
    await trusting.keys('Enter');
    await trusting.waitFor('the prompt after trusting', isIdle);

    const refusing = await FakeAgent.start({ trustPrompt: true });
    await refusing.waitForLine('   2. No, exit');
    await refusing.keys('2');
    expect(await refusing.exitStatus()).toBe(1);
  });

  it('shows nothing until `startupMs` has passed', async () => {
    const agent = await FakeAgent.start({ startupMs: 3_000 });
    // Node takes a few hundred milliseconds to start: the prompt cannot be there yet.
    expect((await agent.screen()).join('')).toBe('');
    await agent.waitFor('the prompt after the startup delay', isIdle);
  });

  it('redraws for the new width when the pane is resized', async () => {
    const agent = await FakeAgent.ready();
    await client.run(['resize-window', '-t', agent.paneId, '-x', '60', '-y', '20']);
    const lines = await agent.waitFor('60-column rules', (l) => l.includes('─'.repeat(60)) && !l.some((line) => line.includes('─'.repeat(61))));
    expect(lines).toHaveLength(20);
    expect(lines.filter((line) => line === '─'.repeat(60))).toHaveLength(2);
    expect(lines).toContain('  ? for shortcuts');
  });

  it('reports a bad script file and exits with status 2', async () => {
    const script = join(scratch, 'bad-script.json');
    await writeFile(script, '{"steps":[{"do":"dance"}]}');
    const agent = await FakeAgent.start(script);
    expect(await agent.exitStatus()).toBe(2);
    // The message wraps, and tmux's "Pane is dead" line scrolls its first line into the history.
    const lines = await client.capturePane(agent.paneId, { join: true, start: '-' });
    expect(lines.join('\n')).toContain('fake-agent: Expected `steps[0].do` to be one of "reply", "approval"');
  });
});
