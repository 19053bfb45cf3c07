import { describe, expect, it } from 'vitest';
import { createGenericDetector } from '../../../src/agents/detectors/generic.js';
import type { ProcessFacts } from '../../../src/agents/state.js';
import { InvalidOptionError } from '../../../src/errors.js';
import { screenOf } from './screens.js';

const running: ProcessFacts = { paneDead: false, currentCommand: 'my-repl' };
const repl = createGenericDetector({
  name: 'my-repl',
  processNames: ['my-repl'],
  idle: /^my-repl> /,
  working: ['Thinking…'],
  waiting: /\?$/,
  rateLimited: /rate limited/i,
  errored: ['Traceback (most recent call last)'],
  input: /^my-repl> (.*)$/,
  timeZone: 'UTC',
});

describe('generic detector', () => {
  it('decides by its patterns on the last lines, in a fixed order', () => {
    expect(repl.detect(screenOf('hello', 'my-repl> '), running)).toEqual({ state: 'idle', evidence: ['screen: "my-repl>"'], input: '' });
    expect(repl.detect(screenOf('my-repl> go', 'Thinking…', ''), running)).toMatchObject({ state: 'working', input: 'go' });
    expect(repl.detect(screenOf('Traceback (most recent call last)', '  File "x.py"', 'my-repl> '), running).state).toBe('errored');
    expect(repl.detect(screenOf('nothing known'), running)).toMatchObject({ state: 'unknown', evidence: ['screen: no pattern matched the last 10 lines'] });
  });

  it('only looks at the last `tailLines` lines', () => {
    const screen = screenOf('Traceback (most recent call last)', ...Array.from({ length: 10 }, () => 'output'), 'my-repl> ');
    expect(repl.detect(screen, running).state).toBe('idle');
    const wide = createGenericDetector({ errored: ['Traceback'], idle: /> $/u, tailLines: 20 });
    expect(wide.detect(screen, running).state).toBe('errored');
  });

  it('reads a question with a numbered menu, or just the question', () => {
    const menu = repl.detect(screenOf('Overwrite the file?', '> 1. Yes', '  2. No'), running);
    expect(menu).toMatchObject({ state: 'waiting', prompt: { question: 'Overwrite the file?', options: [{ key: '1', label: 'Yes', selected: true }, { key: '2', label: 'No', selected: false }] } });
    expect(repl.detect(screenOf('Continue?'), running).prompt).toEqual({ question: 'Continue?', options: [] });
    expect(repl.answerKeys(menu.prompt!, menu.prompt!.options[1]!)).toEqual(['2', 'Enter']);
    const noEnter = createGenericDetector({ waiting: ['?'], confirmAnswer: false });
    expect(noEnter.answerKeys(menu.prompt!, menu.prompt!.options[1]!)).toEqual(['2']);
  });

  it('gives a reset time from a rate-limited line', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const detection = repl.detect(screenOf('Rate limited, resets 3pm'), { ...running, now });
    expect(detection.state).toBe('rate-limited');
    expect(detection.resetAt?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
  });

  it('is exited only from process facts', () => {
    const crashed = createGenericDetector({ errored: /crashed|exit 1|failed/ });
    expect(crashed.detect(screenOf('tests failed', 'crashed', 'exit 1'), running).state).toBe('errored');
    expect(crashed.detect(screenOf('tests failed'), { ...running, currentCommand: 'bash' }).state).toBe('exited');
    expect(crashed.detect(screenOf('all good'), { ...running, paneDead: true }).state).toBe('exited');
    const shellBased = createGenericDetector({ processNames: ['bash'], idle: /\$ $/u });
    expect(shellBased.detect(screenOf('$ '), { ...running, currentCommand: 'bash' }).state).toBe('idle');
  });

  it('keeps no state between calls even with a global RegExp', () => {
    const global = createGenericDetector({ idle: /ready/g });
    const screen = screenOf('ready');
    expect([1, 2, 3].map(() => global.detect(screen, running).state)).toEqual(['idle', 'idle', 'idle']);
  });

  it('has defaults', () => {
    expect(createGenericDetector({ idle: ['> '] })).toMatchObject({
      name: 'generic',
      experimental: false,
      processNames: [],
      delivery: 'bracketed-paste',
      acceptsInput: ['idle'],
      interruptKeys: ['C-c'],
      clearInputKeys: ['C-u'],
    });
    expect(createGenericDetector({ idle: ['> '] }).detect(screenOf('> '), running).input).toBeUndefined();
  });

  it('rejects bad options with typed errors', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'Expected at least one state pattern (`waiting`, `rateLimited`, `errored`, `working`, `idle`, `starting`) for the `generic` detector'],
      [{ idle: 5 }, 'Expected `idle` to be a non-empty array of non-empty strings, got `5` (number)'],
      [{ idle: [] }, 'Expected `idle` to be a non-empty array of non-empty strings, got `[]` (object)'],
      [{ working: ['ok', ''] }, 'Expected `working` to be a non-empty array of non-empty strings, got `["ok",""]` (object)'],
      [{ idle: ['>'], idel: ['>'] }, 'Unknown option `idel` for the `generic` detector'],
      [{ idle: ['>'], input: '> (.*)' }, 'Expected `input` to be a RegExp, got `> (.*)` (string)'],
      [{ idle: ['>'], processNames: 'repl' }, 'Expected `processNames` to be an array of non-empty strings, got `repl` (string)'],
      [{ idle: ['>'], tailLines: 0 }, 'Expected `tailLines` to be an integer >= 1, got `0` (number)'],
      [{ idle: ['>'], delivery: '' }, 'Expected `delivery` to be a non-empty string, got `` (string)'],
      [{ idle: ['>'], interruptKeys: [] }, 'Expected `interruptKeys` to be a non-empty array of non-empty strings, got `[]` (object)'],
      [{ idle: ['>'], clearInputKeys: [1] }, 'Expected `clearInputKeys` to be a non-empty array of non-empty strings, got `[1]` (object)'],
      [{ idle: ['>'], confirmAnswer: 'yes' }, 'Expected `confirmAnswer` to be a boolean, got `yes` (string)'],
      [{ idle: ['>'], name: 3 }, 'Expected `name` to be a non-empty string, got `3` (number)'],
      [{ idle: ['>'], timeZone: 'Nowhere/Land' }, 'Expected `timeZone` to be an IANA time zone such as `Europe/Berlin`, got `Nowhere/Land` (string)'],
    ];
    for (const [options, message] of cases) {
      expect(() => createGenericDetector(options), JSON.stringify(options)).toThrow(InvalidOptionError);
      expect(() => createGenericDetector(options), JSON.stringify(options)).toThrow(message);
    }
    expect(() => createGenericDetector([] as unknown as Record<string, unknown>)).toThrow("Expected the `generic` detector's options to be an object");
  });
});
