/**
 * A reader for the subset of tmux's command language that quoted words may
 * use: single-quoted runs (fully literal) and double-quoted octal escapes
 * (`"\047"`), joined into words, words separated by one space. Anything else
 * (an unquoted character, a raw control character, a stray quote) throws, so
 * a line it accepts has no `;`, `#`, `$`, `~`, brace or newline outside quotes.
 */
export function readQuotedLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated single quote at ${i} in ${JSON.stringify(line)}`);
      const literal = line.slice(i + 1, end);
      if (/[\u0000-\u001f\u007f]/u.test(literal)) throw new Error(`raw control character inside quotes in ${JSON.stringify(line)}`);
      word += literal;
      i = end + 1;
    } else if (char === '"') {
      const escape = /^"\\([0-7]{3})"/u.exec(line.slice(i, i + 6));
      if (escape === null) throw new Error(`unexpected double-quoted text at ${i} in ${JSON.stringify(line)}`);
      const code = Number.parseInt(escape[1] as string, 8);
      // tmux turns an octal escape into one byte: only ASCII is one character.
      if (code > 0x7f) throw new Error(`octal escape of a non-ASCII byte at ${i} in ${JSON.stringify(line)}`);
      word += String.fromCharCode(code);
      i += 6;
    } else if (char === ' ' && i > 0 && line[i + 1] !== ' ' && i + 1 < line.length) {
      words.push(word);
      word = '';
      i++;
    } else {
      throw new Error(`unquoted ${JSON.stringify(char)} at ${i} in ${JSON.stringify(line)}`);
    }
  }
  words.push(word);
  return words;
}
