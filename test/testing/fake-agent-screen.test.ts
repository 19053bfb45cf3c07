import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputLines, pastePlaceholder, renderView, type Block, type InputSegment, type View } from '../../src/testing/fake-agent/screen.js';
import { charWidth, printable, textWidth, truncate, wrapLine } from '../../src/testing/fake-agent/text.js';

describe('terminal text', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('😀')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(charWidth('\u200d')).toBe(0);
  });

  it('shows control characters without letting them reach the terminal', () => {
    expect(printable('a\tb\u001b[31mc\u0007\u007f')).toBe('a    b^[[31mc^G^?');
  });

  it('wraps without losing text, after a space when it can', () => {
    expect(wrapLine('the quick brown fox', 10)).toEqual(['the quick ', 'brown fox']);
    expect(wrapLine('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLine('日本語', 5)).toEqual(['日本', '語']);
    expect(wrapLine('', 5)).toEqual(['']);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).map(printable), fc.integer({ min: 2, max: 30 }), (text, width) => {
        const pieces = wrapLine(text, width);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces) expect(textWidth(piece)).toBeLessThanOrEqual(width);
      }),
    );
  });

  it('truncates with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
  });
});

const RULE = (width: number): string => '─'.repeat(width);

describe('renderView', () => {
  const banner: Block = { kind: 'banner', title: 'Fake Agent', cwd: '/project' };
  const prompt = (input: InputSegment[] = [], footer = '  ? for shortcuts'): View['bottom'] => ({ kind: 'prompt', input, queued: [], footer });

  it('puts the box between two rules under the transcript, top-aligned', () => {
    const lines = renderView({ blocks: [banner, { kind: 'user', text: 'hi' }, { kind: 'reply', text: 'OK.' }], bottom: prompt() }, 40, 30);
    expect(lines.map((line) => line.text)).toEqual([
      `╭─── Fake Agent ${'─'.repeat(23)}╮`,
      `│${' '.repeat(38)}│`,
      `│   Welcome back!${' '.repeat(22)}│`,
      `│${' '.repeat(38)}│`,
      `│   /project${' '.repeat(27)}│`,
      `╰${'─'.repeat(38)}╯`,
      '',
      '❯ hi',
      '',
      '● OK.',
      '',
      RULE(40),
      '❯\u00a0',
      RULE(40),
      '  ? for shortcuts',
    ]);
    expect(lines.filter((line) => line.caret === true).map((line) => line.text)).toEqual(['❯\u00a0']);
  });

  it('keeps the last lines of a long transcript', () => {
    const blocks: Block[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'reply', text: `reply ${i}` }));
    const lines = renderView({ blocks, bottom: prompt() }, 40, 10).map((line) => line.text);
    expect(lines).toEqual(['● reply 47', '', '● reply 48', '', '● reply 49', '', RULE(40), '❯\u00a0', RULE(40), '  ? for shortcuts']);
  });

  it('never draws a line wider than the screen', () => {
    const segment = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 80 }).map((text): InputSegment => ({ kind: 'text', text })),
      fc.string({ maxLength: 900 }).map((text): InputSegment => ({ kind: 'paste', id: 1, text })),
    );
    const block = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((text): Block => ({ kind: 'user', text })),
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((text): Block => ({ kind: 'reply', text })),
      fc.string({ unit: 'grapheme', maxLength: 60 }).map((text): Block => ({ kind: 'tool', tool: 'Bash', command: text, status: 'Waiting…' })),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), fc.array(segment, { maxLength: 4 }), fc.integer({ min: 10, max: 120 }), fc.integer({ min: 5, max: 40 }), (blocks, input, width, height) => {
        const lines = renderView({ blocks: [banner, ...blocks], bottom: prompt(input) }, width, height);
        expect(lines.length).toBeLessThanOrEqual(height);
        for (const line of lines) expect(textWidth(line.text)).toBeLessThanOrEqual(width);
        expect(lines.filter((line) => line.text === RULE(width))).toHaveLength(2);
      }),
    );
    const question = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 120 }).map((text): View['bottom'] => ({
        kind: 'approval',
        tool: text,
        command: text,
        question: text,
        options: [text, 'No'],
        selected: 1,
      })),
      fc.string({ unit: 'grapheme', maxLength: 120 }).map((cwd): View['bottom'] => ({ kind: 'trust', cwd, selected: 0 })),
    );
    fc.assert(
      fc.property(question, fc.integer({ min: 10, max: 120 }), fc.integer({ min: 5, max: 40 }), (bottom, width, height) => {
        const lines = renderView({ blocks: [banner], bottom }, width, height);
        expect(lines.length).toBeLessThanOrEqual(height);
        for (const line of lines) expect(textWidth(line.text)).toBeLessThanOrEqual(width);
      }),
    );
  });
});

describe('the input box', () => {
  it('shows long pastes as placeholders and continues lines under the prompt mark', () => {
    expect(pastePlaceholder({ id: 2, text: 'a\nb\nc' })).toBe('[Pasted text #2 +2 lines]');
    expect(pastePlaceholder({ id: 1, text: 'x'.repeat(900) })).toBe('[Pasted text #1]');
    const input: InputSegment[] = [
      { kind: 'text', text: 'see ' },
      { kind: 'paste', id: 1, text: '1\n2\n3' },
      { kind: 'text', text: '\nthanks' },
    ];
    expect(inputLines(input, 80)).toEqual(['❯\u00a0see [Pasted text #1 +2 lines]', '  thanks']);
  });
});
