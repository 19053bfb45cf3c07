import fc from 'fast-check';

/**
 * Characters and words that mean something to tmux's command parser, to a
 * shell, to a terminal or to a UTF-8 decoder.
 */
export const NASTY_TOKENS: readonly string[] = [
  ';', '\\;', ' ; ', "'", '"', '\\', '\\\\', '$HOME', '${HOME}', '$', '~', '~/x', '~root',
  '#{pane_id}', '#{', '}', '#(echo x)', '#', '##', '{', ' { ', '%if', '%endif', '%hidden', '-', '--',
  '\t', '\n', '\r', '\r\n', '\u007f', '\u0001', '\u001b[31m', '\u001f', ' ', 'a', 'Z', '0',
  'é', 'e\u0301', '世界', '😀', '\u{1F469}\u200D\u{1F4BB}', '\uFEFF', '\u00a0', '\u2028', '\uFFFD', '\u{10FFFF}',
];

/** Any well-formed string without NUL: everything tmux can carry. */
export function carriableString(maxLength: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'binary', maxLength })
    .map((value) => value.replaceAll('\u0000', '\u0001'))
    .filter((value) => value.isWellFormed());
}

/** Strings built mostly from {@link NASTY_TOKENS} (plus `extra` tokens), mixed with arbitrary text. */
export function nastyString(maxLength: number, extra: readonly string[] = []): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NASTY_TOKENS, ...extra) },
    { weight: 1, arbitrary: carriableString(8) },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(token, { maxLength: Math.max(1, Math.floor(maxLength / 4)) }).map((tokens) => tokens.join('')) },
    { weight: 2, arbitrary: carriableString(maxLength) },
  );
}

/** Any well-formed text (NUL included), often with {@link NASTY_TOKENS} such as a leading U+FEFF. */
export function unicodeText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ unit: 'binary', maxLength }).filter((value) => value.isWellFormed()), nastyString(maxLength));
}
