import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS } from '../../../src/agents/detectors/index.js';
import { SHELL_NAMES } from '../../../src/agents/detectors/process-exit.js';
import { screenOf } from './screens.js';

/** Screens full of failure words, none of which is a crash of the agent. */
const FAILURE_SCREENS = [
  screenOf('tests failed'),
  screenOf('Error: build failed', '', '> '),
  screenOf('The dev server crashed.', 'npm ERR! code 1', 'exit 1', '$ '),
  screenOf('Process exited with code 1', 'Segmentation fault (core dumped)', 'bash: line 1: 42 Killed', '$'),
];

const detectors = Object.entries(BUILTIN_DETECTORS).map(([kind, factory]) => factory(kind === 'generic' ? { errored: ['failed'], idle: ['$'] } : undefined));

describe('exited comes from process facts, never from the screen', () => {
  for (const detector of detectors) {
    const alive = detector.processNames[0] ?? 'my-agent';

    it(`${detector.name}: failure words on screen while the agent runs are not exited`, () => {
      for (const screen of FAILURE_SCREENS) {
        expect(detector.detect(screen, { paneDead: false, currentCommand: alive }).state, screen.lines.join(' / ')).not.toBe('exited');
      }
    });

    it(`${detector.name}: a dead pane is exited, whatever the screen`, () => {
      for (const screen of [...FAILURE_SCREENS, screenOf('')]) {
        expect(detector.detect(screen, { paneDead: true, deadStatus: 0, currentCommand: alive })).toEqual({
          state: 'exited',
          evidence: ['process: pane dead (status 0)'],
        });
      }
    });

    it(`${detector.name}: a shell in front that is not the agent is exited`, () => {
      for (const shell of SHELL_NAMES.filter((name) => !detector.processNames.includes(name))) {
        expect(detector.detect(screenOf('all good', '> '), { paneDead: false, currentCommand: shell }).state).toBe('exited');
      }
    });
  }
});
