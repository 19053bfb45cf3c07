/**
 * The one rule for `exited`, shared by every detector: it comes from process
 * facts, never from words on the screen.
 *
 * @module
 */
import type { Detection, ProcessFacts } from '../state.js';

/** Shell names that, in front of an agent's pane, mean the agent's process is gone. */
export const SHELL_NAMES: readonly string[] = ['bash', 'zsh', 'sh', 'dash', 'fish', 'ksh', 'tcsh', 'csh'];

/** `true` when `command` (`#{pane_current_command}`) is a shell; a login shell's `-bash` counts. */
export function isShell(command: string): boolean {
  return SHELL_NAMES.includes(command.startsWith('-') ? command.slice(1) : command);
}

/**
 * `exited` when the pane is dead, or when a shell that is not one of the
 * agent's own `processNames` is in front (the agent's process is gone and a
 * shell is back); otherwise `undefined` and the screen decides. A screen
 * saying `tests failed` or `exit 1` while the agent runs is never `exited`.
 */
export function exitedFromFacts(facts: ProcessFacts, processNames: readonly string[]): Detection | undefined {
  if (facts.paneDead) {
    const status = facts.deadStatus === undefined ? '' : ` (status ${facts.deadStatus})`;
    return { state: 'exited', evidence: [`process: pane dead${status}`] };
  }
  if (isShell(facts.currentCommand) && !processNames.includes(facts.currentCommand)) {
    return { state: 'exited', evidence: [`process: shell \`${facts.currentCommand}\` in front`] };
  }
  return undefined;
}
