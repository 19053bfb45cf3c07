/**
 * Runs `line-app.mjs` in tmux panes and reads it: a detector for its screen,
 * and its log of submitted messages.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeliveryContext } from '../../../../src/agents/delivery/deliver.js';
import { paneObserver, type PaneObservation } from '../../../../src/agents/delivery/observe.js';
import type { DeliveryStrategy } from '../../../../src/agents/delivery/strategy.js';
import type { Detector } from '../../../../src/agents/detectors/detector.js';
import { AGENT_STATES, type AgentState, type Detection } from '../../../../src/agents/state.js';
import { retryUntil } from '../../../../src/testing/retry.js';
import type { TmuxClient } from '../../../../src/tmux/client.js';

const APP = fileURLToPath(new URL('./line-app.mjs', import.meta.url));

/** How `line-app.mjs` is started (see its header). */
export interface LineAppOptions {
  readonly swallowEnters?: number;
  readonly acceptDelayMs?: number;
  readonly busyMs?: number;
  readonly startState?: 'idle' | 'working' | 'waiting';
  readonly bracketedPaste?: boolean;
}

/** One line of the app's log. */
export interface Submitted {
  readonly text: string;
  readonly state: AgentState;
}

/**
 * Reads line-app's screen: `STATE: x` is the state, the `> ` line the input
 * (with `↵`, `␍` and `⇥` read back as newline, carriage return and tab). With `readsInput: false`
 * it leaves `input` unset, like a detector that cannot read the input line.
 */
export function lineAppDetector(options: { readsInput?: boolean } = {}): Detector {
  const readsInput = options.readsInput ?? true;
  return {
    name: 'line-app',
    experimental: false,
    processNames: ['node'],
    delivery: 'bracketed-paste',
    acceptsInput: ['idle'],
    interruptKeys: ['C-c'],
    clearInputKeys: ['C-u'],
    answerKeys: (_prompt, option) => [option.key],
    detect(screen, facts): Detection {
      if (facts.paneDead) return { state: 'exited', evidence: [`process: pane dead (status ${facts.deadStatus ?? '?'})`] };
      const stateLine = screen.lines.find((line) => line.startsWith('STATE: '));
      const named = stateLine?.slice('STATE: '.length) as AgentState | undefined;
      if (named === undefined || !AGENT_STATES.includes(named)) return { state: 'starting', evidence: ['screen: no state line'] };
      const inputLine = screen.lines.find((line) => line.startsWith('>'));
      const input = inputLine?.slice(2).replaceAll('↵', '\n').replaceAll('␍', '\r').replaceAll('⇥', '\t');
      return {
        state: named,
        evidence: [`screen: "${stateLine}"`],
        ...(readsInput && input !== undefined ? { input } : {}),
      };
    },
  };
}

/** A running line-app. */
export interface LineApp {
  readonly paneId: string;
  readonly logFile: string;
  /** The messages it has recorded so far. */
  submitted(): Promise<Submitted[]>;
  /** A delivery context for it; `observe` calls are counted in `observations`. */
  context(strategy: DeliveryStrategy, detector?: Detector): DeliveryContext & { readonly observations: () => number };
}

let apps = 0;

/** Starts line-app in a new session and waits for its first screen. */
export async function startLineApp(client: TmuxClient, directory: string, options: LineAppOptions = {}): Promise<LineApp> {
  const logFile = join(directory, `line-app-${++apps}.jsonl`);
  const argv = [process.execPath, APP, '--log', logFile];
  if (options.swallowEnters !== undefined) argv.push('--swallow-enters', String(options.swallowEnters));
  if (options.acceptDelayMs !== undefined) argv.push('--accept-delay-ms', String(options.acceptDelayMs));
  if (options.busyMs !== undefined) argv.push('--busy-ms', String(options.busyMs));
  if (options.startState !== undefined) argv.push('--start-state', options.startState);
  if (options.bracketedPaste === false) argv.push('--no-bracketed-paste');
  const { paneId } = await client.newSession({ command: argv, width: 80, height: 24 });
  await retryUntil(async () => (await client.capturePane(paneId)).some((line) => line.startsWith('STATE: ')), {
    description: 'line-app to draw its screen',
  });
  return {
    paneId,
    logFile,
    async submitted() {
      if (!existsSync(logFile)) return [];
      const lines = (await readFile(logFile, 'utf8')).split('\n').filter((line) => line !== '');
      return lines.map((line) => JSON.parse(line) as Submitted);
    },
    context(strategy, detector = lineAppDetector()) {
      const observe = paneObserver(client, paneId, detector);
      let observations = 0;
      return {
        target: { client, paneId },
        strategy,
        detector,
        observe: (): Promise<PaneObservation> => {
          observations += 1;
          return observe();
        },
        observations: () => observations,
      };
    },
  };
}
