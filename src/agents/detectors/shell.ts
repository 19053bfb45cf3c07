/**
 * The shell detector: a plain shell used as an agent (commands are its
 * messages).
 *
 * @module
 */
import type { AgentPrompt, Detection, ProcessFacts, PromptOption, Screen } from '../state.js';
import type { Detector } from './detector.js';
import { detectorOptions } from './detector-options.js';
import { exitedFromFacts, isShell, SHELL_NAMES } from './process-exit.js';

const NAME = 'shell';

/**
 * Reads a shell's state from process facts alone; the prompt's text is not
 * needed (any `PS1` works).
 *
 * - `idle`: a shell is in front with no child command
 *   (`#{pane_current_command}` is `bash`, `zsh`, `sh`, `dash`, `fish`, `ksh`,
 *   `tcsh` or `csh`).
 * - `working`: another program is in front (the command it runs).
 * - `exited`: the pane is dead.
 *
 * `input` is not read (`undefined`). Keys: `C-c` interrupts the command in
 * front; `C-e C-u` clears the line (end of line, then kill to its start:
 * bash, zsh, fish); an answer is typed and confirmed with Enter.
 *
 * @example
 * createShellDetector().detect({ lines: [] }, { paneDead: false, currentCommand: 'bash' }).state; // 'idle'
 * createShellDetector().detect({ lines: [] }, { paneDead: false, currentCommand: 'make' }).state; // 'working'
 */
export function createShellDetector(options?: Readonly<Record<string, unknown>>): Detector {
  detectorOptions(NAME, options, []);
  return {
    name: NAME,
    experimental: false,
    processNames: SHELL_NAMES,
    delivery: 'bracketed-paste',
    acceptsInput: ['idle'],
    interruptKeys: ['C-c'],
    clearInputKeys: ['C-e', 'C-u'],
    answerKeys: (_prompt: AgentPrompt, option: PromptOption) => [option.key, 'Enter'],
    detect: (_screen: Screen, facts: ProcessFacts) => detectShell(facts),
  };
}

function detectShell(facts: ProcessFacts): Detection {
  const exited = exitedFromFacts(facts, SHELL_NAMES);
  if (exited !== undefined) return exited;
  if (isShell(facts.currentCommand)) {
    return { state: 'idle', evidence: [`process: shell \`${facts.currentCommand}\` in front, no command running`] };
  }
  return { state: 'working', evidence: [`process: \`${facts.currentCommand}\` running`] };
}
