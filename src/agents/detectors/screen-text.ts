/**
 * Pure helpers for reading agent screens line by line: blank lines,
 * horizontal rules, box borders, evidence quoting.
 *
 * @module
 */

/** `true` for a line of nothing but spaces (including NO-BREAK SPACE). */
export function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === '';
}

/** A horizontal rule: a line of at least `minLength` `─` characters and nothing else. */
export function isRule(line: string | undefined, minLength = 10): boolean {
  if (line === undefined) return false;
  const trimmed = line.trim();
  if (trimmed.length < minLength) return false;
  for (const char of trimmed) if (char !== '─') return false;
  return true;
}

/** Index of the last line that is not blank, at or above `from`; -1 when there is none. */
export function lastNonBlankIndex(lines: readonly string[], from = lines.length - 1): number {
  for (let index = Math.min(from, lines.length - 1); index >= 0; index--) {
    if (!isBlank(lines[index])) return index;
  }
  return -1;
}

/** A line's text inside any box borders (`│ text │`, nested too), trimmed at the end. */
export function unbox(line: string): string {
  let text = line.trimEnd();
  for (;;) {
    const start = text.trimStart();
    if (!start.startsWith('│')) return text;
    text = start.slice(1);
    if (text.endsWith('│')) text = text.slice(0, -1);
    text = text.trimEnd();
  }
}

/** Evidence for something seen on screen: `screen: "esc to interrupt"`, shortened to 80 characters. */
export function screenEvidence(text: string): string {
  const trimmed = text.trim();
  const short = trimmed.length > 80 ? `${trimmed.slice(0, 79)}…` : trimmed;
  return `screen: ${JSON.stringify(short)}`;
}

/** The first line in `lines[start, end)` that contains `needle`, or `undefined`. */
export function findLine(lines: readonly string[], needle: string, start = 0, end = lines.length): string | undefined {
  for (let index = Math.max(0, start); index < Math.min(end, lines.length); index++) {
    const line = lines[index];
    if (line !== undefined && line.includes(needle)) return line;
  }
  return undefined;
}

/** `true` when `lines[start, end)` holds nothing but blank lines. */
export function allBlank(lines: readonly string[], start = 0, end = lines.length): boolean {
  for (let index = Math.max(0, start); index < Math.min(end, lines.length); index++) {
    if (!isBlank(lines[index])) return false;
  }
  return true;
}
