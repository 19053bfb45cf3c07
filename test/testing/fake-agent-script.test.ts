import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/index.js';
import { fillReply, parseFakeAgentScript, stepFor } from '../../src/testing/fake-agent/script.js';

describe('parseFakeAgentScript', () => {
  it('fills in the defaults', () => {
    expect(parseFakeAgentScript({})).toEqual({ trustPrompt: false, startupMs: 0, workMs: 200, reply: 'OK.', steps: [] });
    expect(parseFakeAgentScript('{"workMs": 5, "reply": "Sure."}')).toMatchObject({ workMs: 5, reply: 'Sure.' });
  });

  it('accepts every kind of step', () => {
    const steps = [
      { on: { match: 'hi' }, do: 'reply', reply: 'Hello {seq}', workMs: 0 },
      { on: { nth: 2 }, do: 'approval', tool: 'Edit', command: 'x', question: 'Go?', options: ['Yes', 'No'], reply: 'Done.' },
      { do: 'rate-limit', resetInSeconds: 30, reply: 'Back.' },
      { on: { match: 'e', nth: 4 }, do: 'error', message: 'API Error: 529 Overloaded' },
      { do: 'crash', exitCode: 0, message: 'bye' },
    ];
    expect(parseFakeAgentScript({ steps }).steps).toEqual(steps);
  });

  it.each([
    [[], 'Expected `script` to be an object, got `[]` (array)'],
    ['{"workMs": ', "Expected the fake agent's script to be JSON"],
    [{ wrokMs: 1 }, 'Unknown field `wrokMs` in `script`'],
    [{ workMs: -1 }, 'Expected `workMs` to be an integer from 0 to 2147483647, got `-1` (number)'],
    [{ trustPrompt: 'yes' }, 'Expected `trustPrompt` to be a boolean, got `yes` (string)'],
    [{ steps: {} }, 'Expected `steps` to be an array'],
    [{ steps: [{}] }, 'Expected `steps[0].do` to be one of "reply", "approval", "rate-limit", "error", "crash", got nothing'],
    [{ steps: [{ do: 'reply', exitCode: 1 }] }, 'Unknown field `exitCode` in `steps[0]`'],
    [{ steps: [{ do: 'reply', on: { nth: 0 } }] }, 'Expected `steps[0].on.nth` to be an integer from 1'],
    [{ steps: [{ do: 'reply', on: { regex: 'x' } }] }, 'Unknown field `regex` in `steps[0].on`'],
    [{ steps: [{ do: 'approval', options: ['only'] }] }, 'Expected `steps[0].options` to have 2 to 9 options, got 1'],
    [{ steps: [{ do: 'approval', options: ['a', 2] }] }, 'Expected `steps[0].options[1]` to be a string, got `2` (number)'],
    [{ steps: [{ do: 'crash', exitCode: 256 }] }, 'Expected `steps[0].exitCode` to be an integer from 0 to 255'],
    [{ steps: [{ do: 'rate-limit', resetInSeconds: 0 }] }, 'Expected `steps[0].resetInSeconds` to be an integer from 1'],
  ])('rejects %j', (script, message) => {
    expect(() => parseFakeAgentScript(script)).toThrow(InvalidOptionError);
    expect(() => parseFakeAgentScript(script)).toThrow(message);
  });
});

describe('stepFor', () => {
  const script = parseFakeAgentScript({
    steps: [
      { on: { match: 'deploy', nth: 1 }, do: 'error' },
      { on: { match: 'deploy' }, do: 'approval' },
      { on: { nth: 3 }, do: 'crash' },
    ],
  });

  it('picks the first step whose conditions all hold', () => {
    expect(stepFor(script, 1, 'deploy now')?.do).toBe('error');
    expect(stepFor(script, 2, 'deploy now')?.do).toBe('approval');
    expect(stepFor(script, 3, 'deploy now')?.do).toBe('approval');
    expect(stepFor(script, 3, 'hello')?.do).toBe('crash');
    expect(stepFor(script, 4, 'hello')).toBeUndefined();
  });

  it('applies a step without conditions to every message', () => {
    expect(stepFor(parseFakeAgentScript({ steps: [{ do: 'error' }] }), 9, 'x')?.do).toBe('error');
  });
});

describe('fillReply', () => {
  it('puts in the message number and text', () => {
    expect(fillReply('#{seq}: {text} {other}', 7, 'a $b')).toBe('#7: a $b {other}');
  });
});
