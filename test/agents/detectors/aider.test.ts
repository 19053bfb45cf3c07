import { describe, expect, it } from 'vitest';
import { createAiderDetector } from '../../../src/agents/detectors/aider.js';
import type { ProcessFacts } from '../../../src/agents/state.js';
import { screenOf } from './screens.js';

// No screen of the real Aider was captured: these screens follow its documented output.
const detector = createAiderDetector({ timeZone: 'UTC' });
const running: ProcessFacts = { paneDead: false, currentCommand: 'aider' };

describe('aider detector (experimental: synthetic screens only)', () => {
  it('describes itself as experimental', () => {
    expect(detector).toMatchObject({ name: 'aider', experimental: true, interruptKeys: ['C-c'], clearInputKeys: ['C-u'], acceptsInput: ['idle'] });
  });

  it('is idle at its prompt and reads the input after it', () => {
    expect(detector.detect(screenOf('Aider v0.86.1', 'Main model: sonnet', '', '> '), running)).toMatchObject({ state: 'idle', input: '' });
    expect(detector.detect(screenOf('Tokens: 2.3k sent, 150 received.', '', 'architect> refactor it'), running)).toMatchObject({
      state: 'idle',
      input: 'refactor it',
    });
  });

  it('reads a yes/no question with its default as the selected option; an answer is its letter then Enter', () => {
    const detection = detector.detect(screenOf('> /add src/app.py', "Add src/app.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: "), running);
    expect(detection).toMatchObject({ state: 'waiting', input: '' });
    expect(detection.prompt).toEqual({
      question: 'Add src/app.py to the chat?',
      options: [
        { key: 'y', label: 'Yes', selected: true },
        { key: 'n', label: 'No', selected: false },
        { key: 'd', label: "Don't ask again", selected: false },
      ],
    });
    expect(detector.answerKeys(detection.prompt!, detection.prompt!.options[1]!)).toEqual(['n', 'Enter']);
  });

  it('is working while a reply streams', () => {
    expect(detector.detect(screenOf('> explain the parser', '', 'The parser reads tokens and'), running).state).toBe('working');
  });

  it('reads a rate limit while retrying (with resetAt) and a failed turn at the prompt', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const retrying = screenOf('> go', 'litellm.RateLimitError: AnthropicException - rate_limit_error', 'Retrying in 0.5 seconds...');
    const detection = detector.detect(retrying, { ...running, now });
    expect(detection.state).toBe('rate-limited');
    expect(detection.resetAt?.getTime()).toBe(now + 500);
    const failed = screenOf('> go', 'litellm.APIConnectionError: Connection refused', '', '> ');
    expect(detector.detect(failed, running).state).toBe('errored');
    const later = screenOf('> go', 'litellm.APIConnectionError: Connection refused', '> again', 'Done.', '', '> ');
    expect(detector.detect(later, running).state).toBe('idle');
  });

  it('is not exited when the screen says tests failed or exit 1, and exited from facts', () => {
    const screen = screenOf('> /run npm test', 'tests failed', 'Error: build failed', 'crashed', 'exit 1', '> ');
    expect(detector.detect(screen, running).state).toBe('idle');
    expect(detector.detect(screen, { ...running, currentCommand: 'python3' }).state).toBe('idle');
    expect(detector.detect(screen, { ...running, currentCommand: 'bash' }).state).toBe('exited');
    expect(detector.detect(screen, { ...running, paneDead: true }).state).toBe('exited');
  });
});
