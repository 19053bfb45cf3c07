#!/usr/bin/env node
/**
 * The fake agent: a small terminal program that looks and behaves like an
 * agent CLI (Claude Code's screens) and follows a script, for tests that
 * need many agents without the real thing.
 *
 * ```sh
 * node fake-agent.js --log messages.jsonl [--script script.json | --script '{"workMs":500}'] [--name worker-1]
 * ```
 *
 * `FAKE_AGENT_LOG`, `FAKE_AGENT_SCRIPT` and `FAKE_AGENT_NAME` stand in for
 * the flags. Exits with status 2 (and a message on standard error) when the
 * arguments or the script are wrong, or when it is not run in a terminal.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InputDecoder, type InputEvent } from './input.js';
import { MessageLog } from './log.js';
import { renderView } from './screen.js';
import { parseFakeAgentScript, type ResolvedScript } from './script.js';
import { FakeAgentSession } from './session.js';
import { TerminalScreen } from './terminal.js';

/** How long a lone ESC waits for the rest of a sequence before it is the Escape key. */
const ESCAPE_WAIT_MS = 30;

interface ProgramOptions {
  readonly log: string;
  readonly script: ResolvedScript;
  readonly name: string | undefined;
}

function readOptions(): ProgramOptions {
  const { values } = parseArgs({
    options: { log: { type: 'string' }, script: { type: 'string' }, name: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const log = values.log ?? process.env['FAKE_AGENT_LOG'];
  if (log === undefined || log === '') throw new Error('Expected `--log FILE` (or FAKE_AGENT_LOG)');
  const script = values.script ?? process.env['FAKE_AGENT_SCRIPT'];
  return {
    log,
    script: parseFakeAgentScript(script === undefined ? {} : script.trimStart().startsWith('{') ? script : readFileSync(script, 'utf8')),
    name: values.name ?? process.env['FAKE_AGENT_NAME'],
  };
}

function main(): void {
  let options: ProgramOptions;
  try {
    options = readOptions();
    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('Expected to run in a terminal');
  } catch (error) {
    process.stderr.write(`fake-agent: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const log = new MessageLog(options.log);
  const screen = new TerminalScreen((data) => process.stdout.write(data));
  const decoder = new InputDecoder();
  const size = (): { width: number; height: number } => ({ width: process.stdout.columns || 80, height: process.stdout.rows || 24 });

  let exited = false;
  let scheduled = false;
  let escapeTimer: NodeJS.Timeout | undefined;
  const render = (): void => {
    scheduled = false;
    if (exited) return;
    const { width, height } = size();
    screen.draw(renderView(session.view(Date.now()), width, height), width, height);
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(render);
  };

  const session = new FakeAgentSession({
    script: options.script,
    title: options.name === undefined ? 'Fake Agent' : `Fake Agent · ${options.name}`,
    cwd: process.cwd(),
    log: (entry) => log.append(entry),
    rows: () => size().height,
    onChange: schedule,
    onExit: (code, output) => {
      render(); // the last frame stays on screen, as the real CLI's does
      exited = true;
      clearTimeout(escapeTimer);
      screen.leave(size().height);
      process.stdin.setRawMode(false);
      if (output !== '') process.stderr.write(output);
      log.close();
      process.exit(code);
    },
  });

  const handle = (events: readonly InputEvent[]): void => {
    for (const event of events) if (!exited) session.handle(event);
  };
  process.stdin.setRawMode(true);
  process.stdin.on('data', (chunk: Buffer) => {
    clearTimeout(escapeTimer);
    handle(decoder.push(chunk));
    if (decoder.pendingEscape) escapeTimer = setTimeout(() => handle(decoder.flush()), ESCAPE_WAIT_MS);
  });
  process.stdout.on('resize', () => {
    screen.invalidate();
    schedule();
  });
  screen.enter();
  session.start();
}

main();
