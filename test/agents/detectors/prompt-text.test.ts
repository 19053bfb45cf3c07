import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findQuestion, parseOptionList } from '../../../src/agents/detectors/prompt-text.js';

describe('parseOptionList', () => {
  it('reads a menu with the cursor on one option', () => {
    const lines = [' Do you want to proceed?', ' ❯ 1. Yes', '   2. Yes, and always allow access to project/ from this project', '   3. No', ''];
    expect(parseOptionList(lines, ['❯'])).toEqual({
      options: [
        { key: '1', label: 'Yes', selected: true },
        { key: '2', label: 'Yes, and always allow access to project/ from this project', selected: false },
        { key: '3', label: 'No', selected: false },
      ],
      first: 1,
      last: 3,
    });
  });

  it('reads options inside box borders, with descriptions and blank lines between them', () => {
    const lines = [
      '│   ● 1. Sign in with Google      │',
      '│     2. Use Gemini API Key       │',
      '> 1. Use an OpenAI API key',
      '     Pay for what you use',
      '',
      '  2. Use Amazon Bedrock',
    ];
    expect(parseOptionList(lines, ['●'], 0, 2)?.options.map((option) => [option.key, option.selected])).toEqual([
      ['1', true],
      ['2', false],
    ]);
    expect(parseOptionList(lines, ['>'], 2)?.options.map((option) => option.label)).toEqual(['Use an OpenAI API key', 'Use Amazon Bedrock']);
  });

  it('ignores numbered lists without a cursor, with another cursor, or with one option', () => {
    expect(parseOptionList(['1. Create GEMINI.md files', '2. /help for more information'], ['●'])).toBeUndefined();
    expect(parseOptionList(['❯ 1. Yes', '  2. No'], ['●'])).toBeUndefined();
    expect(parseOptionList(['❯ 1. Yes'], ['❯'])).toBeUndefined();
    expect(parseOptionList(['❯ 1. Yes', '❯ 2. No'], ['❯'])).toBeUndefined();
  });

  it('takes the last menu on screen', () => {
    const lines = ['❯ 1. old', '  2. menu', 'text', 'text', 'text', 'text', '  1. new', '❯ 2. menu'];
    expect(parseOptionList(lines, ['❯'])?.options.map((option) => option.label)).toEqual(['new', 'menu']);
  });

  it('reads back any menu it is shown (property)', () => {
    const label = fc.stringMatching(/^[A-Za-z][A-Za-z ,'()/-]{0,30}[A-Za-z)]$/u);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 9 }), fc.nat(), fc.constantFrom('❯', '›', '●'), (labels, pick, cursor) => {
        const selected = pick % labels.length;
        const lines = labels.map((text, index) => `${index === selected ? ` ${cursor}` : '  '} ${index + 1}. ${text}`);
        const list = parseOptionList(['Pick one?', ...lines], [cursor]);
        expect(list?.options).toEqual(labels.map((text, index) => ({ key: String(index + 1), label: text, selected: index === selected })));
        expect(list?.first).toBe(1);
      }),
    );
  });
});

describe('findQuestion', () => {
  it('takes the sentence that ends in a question mark from the nearest paragraph that has one', () => {
    const lines = [
      ' Quick safety check: Is this a project you created or one you trust? (Like your own code, a',
      ' well-known open source project). If not, take a moment to review it.',
      '',
      " Claude Code'll be able to read, edit, and execute files here.",
      '',
      ' ❯ 1. Yes, I trust this folder',
    ];
    expect(findQuestion(lines, 5)).toBe('Quick safety check: Is this a project you created or one you trust?');
  });

  it('joins wrapped lines and ignores box borders', () => {
    expect(findQuestion(['│ Do you want to │', '│ proceed?       │', '│ ● 1. Yes │'], 2)).toBe('Do you want to proceed?');
  });

  it('skips a lone question mark and falls back to the nearest line', () => {
    expect(findQuestion(['? Get started', '', '  Choose how you want to use Codex.', ''], 4)).toBe('Choose how you want to use Codex.');
  });

  it('does not look above a rule', () => {
    expect(findQuestion(['Old question?', '─'.repeat(40), '  Pick a model'], 3)).toBe('Pick a model');
  });
});
