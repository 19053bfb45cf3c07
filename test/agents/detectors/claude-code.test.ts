import { describe, expect, it } from 'vitest';
import { createClaudeCodeDetector } from '../../../src/agents/detectors/claude-code.js';
import type { ProcessFacts, Screen } from '../../../src/agents/state.js';
import { InvalidOptionError } from '../../../src/errors.js';
import { fixture, screenOf } from './screens.js';

const detector = createClaudeCodeDetector({ timeZone: 'UTC' });
const running: ProcessFacts = { paneDead: false, currentCommand: 'claude' };
const RULE = '─'.repeat(100);
const NBSP = '\u00a0';

/** A Claude Code screen: transcript lines, then the input box and the footer. */
function claudeScreen(transcript: readonly string[], box: readonly string[] = [`❯${NBSP}`], footer: readonly string[] = ['  ? for shortcuts · ← for agents']): Screen {
  return screenOf(...transcript, '', RULE, ...box, RULE, ...footer);
}

const detect = (file: string, facts?: Partial<ProcessFacts>) => {
  const { screen, facts: captured } = fixture(`claude-code/${file}.txt`);
  return detector.detect(screen, { ...captured, ...facts });
};

describe('claude-code detector', () => {
  it('describes itself', () => {
    expect(detector).toMatchObject({
      name: 'claude-code',
      experimental: false,
      processNames: ['claude'],
      delivery: 'bracketed-paste',
      acceptsInput: ['idle'],
      interruptKeys: ['Escape'],
      clearInputKeys: ['Escape', 'Escape'],
    });
  });

  describe('questions', () => {
    it('reads a tool approval: question, options, the selected one', () => {
      const detection = detect('waiting-approval-bash');
      expect(detection.state).toBe('waiting');
      expect(detection.prompt).toEqual({
        question: 'Do you want to proceed?',
        options: [
          { key: '1', label: 'Yes', selected: true },
          { key: '2', label: 'Yes, and always allow access to project/ from this project', selected: false },
          { key: '3', label: 'No', selected: false },
        ],
      });
    });

    it('reads the first-run questions, whichever option is preselected', () => {
      expect(detect('first-run-trust-folder').prompt).toEqual({
        question: 'Quick safety check: Is this a project you created or one you trust?',
        options: [
          { key: '1', label: 'Yes, I trust this folder', selected: true },
          { key: '2', label: 'No, exit', selected: false },
        ],
      });
      expect(detect('first-run-api-key').prompt).toEqual({
        question: 'Do you want to use this API key?',
        options: [
          { key: '1', label: 'Yes', selected: false },
          { key: '2', label: 'No (recommended)', selected: true },
        ],
      });
    });

    it('answers by typing the option digit alone', () => {
      const { prompt } = detect('waiting-approval-bash');
      expect(detector.answerKeys(prompt!, prompt!.options[2]!)).toEqual(['3']);
    });
  });

  describe('input box', () => {
    it('reads the empty box (❯ and a NO-BREAK SPACE) as empty', () => {
      expect(detect('idle-welcome')).toMatchObject({ state: 'idle', input: '' });
      expect(detect('working-streaming')).toMatchObject({ state: 'working', input: '' });
    });

    it('reads typed text, a slash command and a collapsed paste', () => {
      expect(detect('idle-typed-input').input).toBe('Refactor the parser into smaller functions');
      expect(detect('idle-slash-command-menu').input).toBe('/exit');
      expect(detect('idle-pasted-text').input).toBe('[Pasted text #1 +11 lines]');
    });

    it('reads several lines', () => {
      const screen = claudeScreen(['● OK.'], [`❯${NBSP}line one`, '  line two', '    indented'], ['']);
      expect(detector.detect(screen, running)).toMatchObject({ state: 'idle', input: 'line one\nline two\n  indented' });
    });

    it('has no input while a question replaces the box', () => {
      expect(detect('waiting-approval-bash').input).toBeUndefined();
    });
  });

  describe('limits and errors', () => {
    it('gives the reset time of a session limit, given the time', () => {
      const detection = detect('rate-limited-session-limit', { now: Date.parse('2026-11-23T05:18:52.053Z') });
      expect(detection.state).toBe('rate-limited');
      expect(detection.resetAt?.toISOString()).toBe('2026-11-23T07:18:00.000Z');
      expect(detect('rate-limited-session-limit').resetAt).toBeUndefined();
    });

    it('reads a turn that ended on a 429 as rate-limited without a reset time', () => {
      const detection = detect('rate-limited-api-429', { now: Date.now() });
      expect(detection.state).toBe('rate-limited');
      expect(detection.resetAt).toBeUndefined();
    });

    it('reads a usage-limit message with a reset time', () => {
      const screen = claudeScreen(['❯ Keep going', '', "● You've hit your limit · resets 7pm (Europe/Berlin)", '', '✻ Worked for 1s']);
      const detection = detector.detect(screen, { ...running, now: Date.parse('2026-11-23T12:00:00Z') });
      expect(detection).toMatchObject({ state: 'rate-limited', input: '' });
      expect(detection.resetAt?.toISOString()).toBe('2026-11-23T18:00:00.000Z');
    });

    it('judges the latest turn only: an old API error above a later reply is idle', () => {
      const screen = claudeScreen([
        '❯ Trigger a server error',
        '',
        '● API Error: 500 Internal server error. This is a server-side issue, usually temporary — try',
        '  again in a moment.',
        '',
        '✻ Churned for 8s',
        '',
        '❯ Say hi',
        '',
        '● Hi.',
        '',
        '✻ Cooked for 0s',
      ]);
      expect(detector.detect(screen, running).state).toBe('idle');
      expect(detect('working-retrying-rate-limit').state).toBe('working');
    });

    it('does not read a reply that talks about errors as an error', () => {
      const screen = claudeScreen(['❯ Why did CI fail?', '', '● API Error handling is missing in the client, and the rate limit test failed.']);
      expect(detector.detect(screen, running).state).toBe('idle');
    });
  });

  describe('exited comes from process facts only', () => {
    const failingWork = [
      '❯ Run the tests',
      '',
      '● Bash(npm test)',
      '  ⎿  tests failed',
      '     Error: build failed',
      '     Process crashed with exit 1',
      '',
      '● The tests failed: the build crashed with exit 1.',
    ];

    it('is not exited when the screen says tests failed, build failed, crashed or exit 1', () => {
      expect(detector.detect(claudeScreen(failingWork), running).state).toBe('idle');
      const working = claudeScreen([...failingWork, '', '✻ Pondering… (3s · ↓ 20 tokens)'], [`❯${NBSP}`], ['  esc to interrupt']);
      expect(detector.detect(working, running).state).toBe('working');
      const errorWords = claudeScreen(['Error: build failed', 'crashed', 'exit 1', 'Segmentation fault (core dumped)', '$ ']);
      expect(detector.detect(errorWords, running).state).not.toBe('exited');
    });

    it('is not exited while the agent process is in front, even with a shell prompt left on screen', () => {
      expect(detect('exited-ctrl-c', { currentCommand: 'claude' }).state).not.toBe('exited');
    });

    it('is exited when the pane is dead, whatever the screen shows', () => {
      expect(detect('idle-welcome', { paneDead: true, deadStatus: 1 })).toEqual({ state: 'exited', evidence: ['process: pane dead (status 1)'] });
      expect(detect('working-streaming', { paneDead: true }).state).toBe('exited');
    });

    it('is exited when a shell is back in front', () => {
      for (const shell of ['bash', 'zsh', 'sh', 'dash', 'fish', 'ksh', 'tcsh', 'csh', '-bash']) {
        expect(detect('idle-welcome', { currentCommand: shell }).state).toBe('exited');
      }
      expect(detect('exited-slash-exit').evidence).toEqual(['process: shell `bash` in front']);
    });
  });

  describe('other screens', () => {
    it('is starting on a blank screen or the banner alone, unknown on anything else', () => {
      expect(detector.detect(screenOf('', '', ''), running).state).toBe('starting');
      expect(detector.detect(screenOf('╭─── Claude Code v2.1.197 ───╮', '│ Welcome back! │'), running).state).toBe('starting');
      expect(detector.detect(screenOf('  Rewind', '  ❯ (current)', '  Enter to continue · Esc to cancel'), running).state).toBe('unknown');
    });

    it('stays idle while an exit is pending', () => {
      expect(detect('idle-exit-pending')).toMatchObject({ state: 'idle', input: '' });
    });

    it('is the same for the same input', () => {
      const { screen, facts } = fixture('claude-code/waiting-approval-bash.txt');
      expect(detector.detect(screen, facts)).toEqual(detector.detect(screen, facts));
    });
  });

  it('validates its options', () => {
    expect(() => createClaudeCodeDetector({ timeZone: 'Nowhere/Land' })).toThrow(InvalidOptionError);
    expect(() => createClaudeCodeDetector({ timezone: 'UTC' })).toThrow('Unknown option `timezone` for the `claude-code` detector (known: `timeZone`)');
    expect(createClaudeCodeDetector().name).toBe('claude-code');
  });
});
