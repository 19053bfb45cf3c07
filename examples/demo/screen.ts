/**
 * The last line an agent printed, read off its screen: what is above
 * Claude Code's input box (or above an approval box), not the box itself.
 *
 * @module
 */

/** A horizontal rule: the input box's top and bottom edges, an approval box's top. */
const RULE = /^─{10,}$/u;
/** Status, not output: a spinner or summary line (`✻ Working… (3s)`, `✻ Worked for 2s`), or the welcome banner's box. */
const CHROME = /^(?:[·✢✳✶✻✽*] |[╭│╰])/u;

/**
 * The last line of output above the agent's input box (for a screen without
 * one, a dead pane or a shell, of the whole screen): not blank, and not a
 * spinner, summary or banner line. No-break spaces read as spaces; the
 * result is trimmed (`''` when there is none).
 *
 * @example
 * lastOutputLine(['● Done.', '', '─'.repeat(40), '❯ ', '─'.repeat(40), '  ? for shortcuts']); // '● Done.'
 */
export function lastOutputLine(screen: readonly string[]): string {
  const lines = screen.map((line) => line.replaceAll('\u00a0', ' ').trim());
  const rules = lines.flatMap((line, index) => (RULE.test(line) ? [index] : []));
  // Two rules close together are the input box; one alone tops an approval box.
  const last = rules.at(-1);
  const previous = rules.at(-2);
  const end = last === undefined ? lines.length : previous !== undefined && last - previous <= 12 ? previous : last;
  for (let index = end - 1; index >= 0; index -= 1) {
    const line = lines[index] as string;
    if (line !== '' && !CHROME.test(line)) return line;
  }
  return '';
}
