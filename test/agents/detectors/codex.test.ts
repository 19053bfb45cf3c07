import { describe, expect, it } from 'vitest';
import { createCodexDetector } from '../../../src/agents/detectors/codex.js';
import type { ProcessFacts } from '../../../src/agents/state.js';
import { InvalidOptionError } from '../../../src/errors.js';
import { fixture, screenOf } from './screens.js';

const detector = createCodexDetector({ timeZone: 'UTC' });
const running: ProcessFacts = { paneDead: false, currentCommand: 'node' };
const detect = (file: string, facts?: Partial<ProcessFacts>) => {
  const { screen, facts: captured } = fixture(`codex/${file}.txt`);
  return detector.detect(screen, { ...captured, ...facts });
};
const FOOTER = ['', '  GPT-6.1-Sol default · /tmp/agent-cli/proj-codex', '  ← for agents · ? for shortcuts'];

describe('codex detector', () => {
  it('describes itself, experimental (no approval question was captured)', () => {
    expect(detector).toMatchObject({
      name: 'codex',
      experimental: true,
      processNames: ['codex', 'node'],
      acceptsInput: ['idle'],
      interruptKeys: ['Escape'],
      clearInputKeys: ['C-u'],
    });
  });

  it('reads the first-run menus and the API key entry', () => {
    expect(detect('first-run-sign-in').prompt).toEqual({
      question: 'Choose how you want to use Codex.',
      options: [
        { key: '1', label: 'Sign in with ChatGPT', selected: true },
        { key: '2', label: 'Sign in with Device Code', selected: false },
        { key: '3', label: 'Sign in another way', selected: false },
      ],
    });
    expect(detect('first-run-api-key-entry')).toMatchObject({ state: 'waiting', prompt: { question: 'Paste or type your API key below.', options: [] } });
    const { prompt } = detect('first-run-sign-in-other');
    expect(detector.answerKeys(prompt!, prompt!.options[1]!)).toEqual(['2']);
  });

  it('reads an approval menu laid out as Codex lays out its lists (synthetic screen)', () => {
    const screen = screenOf(
      '› Create notes.txt',
      '',
      '  Would you like to run the following command?',
      '',
      '  $ touch notes.txt',
      '',
      '› 1. Yes, proceed (y)',
      "  2. Yes, and don't ask again for this command (a)",
      '  3. No, and tell Codex what to do differently (esc)',
      '',
      '  Press enter to confirm or esc to cancel',
    );
    expect(detector.detect(screen, running)).toMatchObject({
      state: 'waiting',
      prompt: { question: 'Would you like to run the following command?', options: [{ key: '1', selected: true }, { key: '2' }, { key: '3' }] },
    });
  });

  it('reads the composer: placeholder as empty, typed text as input', () => {
    expect(detect('idle-after-login')).toMatchObject({ state: 'idle', input: '' });
    expect(detect('idle-typed-input')).toMatchObject({ state: 'idle', input: 'Refactor the parser into smaller functions' });
    expect(detect('starting-reconnecting-to-server')).toMatchObject({ state: 'starting', input: 'Create notes.txt' });
  });

  it('judges the latest turn only: old 429 errors above a later reply are idle', () => {
    expect(detect('idle-after-reply').state).toBe('idle');
    expect(detect('working').state).toBe('working');
  });

  it('tells a limit from other errors, at the end of a turn and while retrying', () => {
    expect(detect('rate-limited-429').state).toBe('rate-limited');
    expect(detect('rate-limited-retrying').state).toBe('rate-limited');
    expect(detect('errored-api-500').state).toBe('errored');
    expect(detect('errored-missing-api-key').evidence).toEqual(['screen: "■ Missing environment variable: `OPENAI_API_KEY`."']);
  });

  it('gives the reset time of a usage limit (synthetic screen)', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const inDelay = screenOf('› Go on', '', "■ You've hit your usage limit. Upgrade to Pro or try again in 2 hours 5 minutes.", '', '› Ask Codex to do anything', ...FOOTER);
    expect(detector.detect(inDelay, { ...running, now }).resetAt?.getTime()).toBe(now + 7_500_000);
    const atClock = screenOf('› Go on', '', "■ You've hit your usage limit. Try again at 8:05 PM.", '', '› Ask Codex to do anything', ...FOOTER);
    expect(detector.detect(atClock, { ...running, now })).toMatchObject({ state: 'rate-limited', input: '' });
    expect(detector.detect(atClock, { ...running, now }).resetAt?.toISOString()).toBe('2026-11-23T20:05:00.000Z');
  });

  it('is not exited when the screen says tests failed or exit 1, and exited from facts', () => {
    const screen = screenOf('› Run the tests', '', '• tests failed: Error: build failed, crashed with exit 1', '', '› Ask Codex to do anything', ...FOOTER);
    expect(detector.detect(screen, running).state).toBe('idle');
    expect(detector.detect(screen, { ...running, currentCommand: 'codex' }).state).toBe('idle');
    expect(detector.detect(screen, { ...running, currentCommand: 'zsh' }).state).toBe('exited');
    expect(detect('idle-after-reply', { paneDead: true }).state).toBe('exited');
    expect(detect('exited', { currentCommand: 'node' }).state).not.toBe('exited');
  });

  it('validates its options', () => {
    expect(() => createCodexDetector({ model: 'x' })).toThrow(InvalidOptionError);
  });
});
