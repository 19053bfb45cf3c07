import { describe, expect, it } from 'vitest';
import { createGeminiCliDetector } from '../../../src/agents/detectors/gemini-cli.js';
import type { ProcessFacts, Screen } from '../../../src/agents/state.js';
import { InvalidOptionError } from '../../../src/errors.js';
import { fixture, screenOf } from './screens.js';

const detector = createGeminiCliDetector();
const running: ProcessFacts = { paneDead: false, currentCommand: 'node' };
const detect = (file: string, facts?: Partial<ProcessFacts>) => {
  const { screen, facts: captured } = fixture(`gemini-cli/${file}.txt`);
  return detector.detect(screen, { ...captured, ...facts });
};

/** A Gemini CLI screen: transcript lines, then the status line, the rule and the input line. */
function geminiScreen(transcript: readonly string[], status = '', input = '>   Type your message or @path/to/file'): Screen {
  return screenOf(...transcript, '', status, '─'.repeat(100), ' Shift+Tab to accept edits', '', ` ${input}`, '', ' workspace (/directory)   sandbox   /model');
}

describe('gemini-cli detector', () => {
  it('describes itself, experimental (no error, limit or approval screen was captured)', () => {
    expect(detector).toMatchObject({
      name: 'gemini-cli',
      experimental: true,
      processNames: ['gemini', 'node'],
      acceptsInput: ['idle'],
      interruptKeys: ['Escape'],
      clearInputKeys: ['Escape', 'Escape'],
    });
  });

  it('reads the first-run questions in their boxes', () => {
    expect(detect('first-run-trust-folder').prompt).toEqual({
      question: 'Do you trust the files in this folder?',
      options: [
        { key: '1', label: 'Trust folder (proj-gemini)', selected: true },
        { key: '2', label: 'Trust parent folder (agent-cli)', selected: false },
        { key: '3', label: "Don't trust", selected: false },
      ],
    });
    expect(detect('first-run-auth').prompt?.question).toBe('How would you like to authenticate for this project?');
    expect(detect('first-run-api-key-entry').prompt).toEqual({ question: 'Enter Gemini API Key', options: [] });
  });

  it('reads the input line: the placeholder as empty, typed text as input', () => {
    expect(detect('idle-welcome')).toMatchObject({ state: 'idle', input: '' });
    expect(detect('working')).toMatchObject({ state: 'working', input: '' });
    expect(detect('idle-typed-input')).toMatchObject({ state: 'idle', input: 'Refactor the parser into smaller functions' });
  });

  it('reads an error or a quota error at the end of the latest turn (synthetic screens)', () => {
    const errored = geminiScreen([' > Say hello', '', '✕ [API Error: 500 Internal error encountered.]']);
    expect(detector.detect(errored, running)).toMatchObject({ state: 'errored', input: '' });
    const limited = geminiScreen([' > Say hello', '', '✕ [API Error: [429 Too Many Requests] RESOURCE_EXHAUSTED: quota exceeded]']);
    expect(detector.detect(limited, running).state).toBe('rate-limited');
    const later = geminiScreen([' > Say hello', '', '✕ [API Error: 500 Internal error encountered.]', '', ' > Again', '', '✦ Hello.']);
    expect(detector.detect(later, running).state).toBe('idle');
  });

  it('is not exited when the screen says tests failed or exit 1, and exited from facts', () => {
    const screen = geminiScreen([' > Run the tests', '', '✦ tests failed — Error: build failed, the process crashed with exit 1.']);
    expect(detector.detect(screen, running).state).toBe('idle');
    expect(detector.detect(screen, { ...running, currentCommand: 'bash' }).state).toBe('exited');
    expect(detect('working', { paneDead: true, deadStatus: 0 }).evidence).toEqual(['process: pane dead (status 0)']);
  });

  it('is starting before anything is drawn', () => {
    expect(detector.detect(screenOf('', ''), running).state).toBe('starting');
  });

  it('validates its options', () => {
    expect(() => createGeminiCliDetector({ timeZone: 42 })).toThrow(InvalidOptionError);
  });
});
