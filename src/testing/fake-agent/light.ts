/**
 * A light fake agent: a bash script that draws Claude Code's screens, a few
 * MB per process, for fleets of hundreds or thousands of agents (the Node fake
 * agent is richer but costs tens of MB each).
 *
 * @module
 */
import { InvalidOptionError } from '../../errors.js';
import { describeValue, integerAtLeast, positiveNumber } from '../../util/options.js';

/** Options of {@link lightAgentCommand}. */
export interface LightAgentOptions {
  /**
   * Shown in the banner, and in every line the agent prints (`NAME line 3`,
   * `NAME output 7`), so a capture tells which agent it came from. Printable
   * characters only.
   * @default 'agent'
   */
  readonly name?: string;
  /**
   * Work forever: print a line of output every {@link intervalMs} under a live
   * spinner with `esc to interrupt`, a screen the `claude-code` detector reads
   * as `working`. Otherwise the agent shows its empty input box and `? for
   * shortcuts` (`idle`) and waits.
   * @default false
   */
  readonly active?: boolean;
  /**
   * Milliseconds between two lines of output of an active agent (at least 1).
   * @default 100
   */
  readonly intervalMs?: number;
  /**
   * Lines (`NAME line 1` … `NAME line N`) printed above the input box at
   * start, to give captures some history to read.
   * @default 0
   */
  readonly lines?: number;
}

/**
 * `#{pane_current_command}` of a pane running a light agent.
 *
 * @example
 * const { paneId } = await client.newSession({ command: lightAgentCommand({ name: 'eng-7' }) });
 * await retryUntil(async () => (await client.displayMessage('#{pane_current_command}', { target: paneId })) === LIGHT_AGENT_PROCESS_NAME);
 */
export const LIGHT_AGENT_PROCESS_NAME = 'light-agent';

/** NO-BREAK SPACE: Claude Code draws it after the input box's `❯`. */
const NBSP = '\u00a0';

/**
 * The program. `$0` is the process name; then the agent's name, `1` when
 * active, the interval in seconds and the number of start lines. Nothing in a
 * loop forks: `read -t` on the terminal is the sleep, `printf` a builtin; only
 * `stty` runs, at start. Each frame is one write, which tmux reads whole.
 */
const SCRIPT = String.raw`name=$1 active=$2 interval=$3 lines=$4 count=0
stty -echo 2>/dev/null
# Lines end with CR and IND (ESC D: down a line, scrolling at the bottom) rather than a newline: stdout on a
# terminal is line-buffered, so a newline would send each line in a write of its own, and a capture could fall
# between two of them. Each frame is one printf, and with no newline in it, one write.
# The input box, drawn once for the pane's width: $box ends an idle screen, $working_box a working one.
measure() {
  local i rule=
  read -r _ cols < <(stty size 2>/dev/null)
  [[ $cols =~ ^[1-9][0-9]*$ ]] || cols=80
  for ((i = 0; i < cols; i++)); do rule+=─; done
  printf -v box '%s\r\eD❯${NBSP}\r\eD%s\r\eD  ? for shortcuts' "$rule" "$rule"
  printf -v working_box '\r\eD\r\eD%s\r\eD❯${NBSP}\r\eD%s\r\eD  esc to interrupt' "$rule" "$rule"
}
# The spinner line and the box under it (printf's format; then seconds, tokens and $working_box).
working='\r\eD✻ Working… (%ds · ↓ %d tokens)%s'
draw() {
  printf '\e[H\e[2J\r\eD ▐▛███▜▌   Claude Code (light fake agent)\r\eD▝▜█████▛▘  %s\r\eD\r\eD' "$name"
  local i
  for ((i = 1; i <= lines; i++)); do printf '%s line %d\r\eD' "$name" "$i"; done
  if [[ $active == 1 ]]; then printf "$working" "$SECONDS" 0 "$working_box"; else printf '%s' "$box"; fi
}
measure
draw
if [[ $active == 1 ]]; then
  # Each frame: the last output line moves up into the history, then the spinner and the box again.
  frame="\r\e[6A\e[J  ⎿  %s output %d\r\eD$working"
  while :; do
    read -r -t "$interval" _ || (($? > 128)) || exit 0
    count=$((count + 1))
    printf "$frame" "$name" "$count" "$SECONDS" "$((count * 7))" "$working_box"
  done
fi
while :; do
  read -r _ || (($? > 128)) || exit 0
done
`;

/** C0 and C1 control characters and DEL: they would break the screen. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The command that runs a light fake agent, `['bash', '-c', …]`: pass it as
 * `command` to `TmuxClient.newSession` / `newWindow` / `splitWindow` (or
 * `Orchestrator.spawn` with kind `claude-code`). The pane's process is named
 * {@link LIGHT_AGENT_PROCESS_NAME} (bash under another name), so the detector
 * does not take it for a shell that came back. It needs bash 4 and a pane at
 * least 20 columns wide. It draws for the pane's width at start; after a
 * resize tmux rewraps its rules, which still read as rules.
 *
 * Unlike `fakeAgentCommand`, it takes no messages (typed input is read and
 * dropped) and keeps no log: it is scenery for monitoring at scale.
 *
 * @throws `InvalidOptionError` when an option has the wrong type or value.
 * @example
 * const { paneId } = await client.newSession({
 *   command: lightAgentCommand({ name: 'eng-7', active: true, intervalMs: 200 }),
 * });
 * // The claude-code detector reads its screen as `working`.
 */
export function lightAgentCommand(options: LightAgentOptions = {}): string[] {
  const name = options.name ?? 'agent';
  if (typeof name !== 'string' || name === '' || CONTROL.test(name)) {
    throw new InvalidOptionError(`Expected \`name\` to be a non-empty string without control characters, got ${describeValue(name)}`);
  }
  if (options.active !== undefined && typeof options.active !== 'boolean') {
    throw new InvalidOptionError(`Expected \`active\` to be a boolean, got ${describeValue(options.active)}`);
  }
  const intervalMs = positiveNumber('intervalMs', options.intervalMs, 100);
  if (intervalMs < 1) throw new InvalidOptionError(`Expected \`intervalMs\` to be at least 1, got ${describeValue(intervalMs)}`);
  const lines = integerAtLeast('lines', options.lines, 0, 0);
  const seconds = (intervalMs / 1000).toFixed(3);
  // `exec -a` renames the process: pane_current_command shows the name, not `bash`.
  const launcher = 'exec -a "$0" bash -c "$1" "$0" "${@:2}"';
  return ['bash', '-c', launcher, LIGHT_AGENT_PROCESS_NAME, SCRIPT, name, options.active === true ? '1' : '0', seconds, String(lines)];
}
