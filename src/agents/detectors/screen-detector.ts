/**
 * The shape the built-in agent CLI detectors share: options checked up
 * front, bracketed-paste delivery, input accepted when idle, and a pure
 * screen reader.
 *
 * @module
 */
import type { Detection, ProcessFacts } from '../state.js';
import type { Detector } from './detector.js';
import { detectorOptions } from './detector-options.js';
import { validateTimeZone } from './reset-time.js';

/** Options of the built-in agent CLI detectors. */
export interface ScreenDetectorOptions {
  /**
   * IANA time zone the agent runs in (its `TZ`), to read reset times such
   * as `(7:18am)`.
   * @default the local time zone
   */
  readonly timeZone?: string;
}

/** What sets one agent CLI's detector apart. @internal */
export interface ScreenDetectorSpec
  extends Pick<Detector, 'name' | 'experimental' | 'processNames' | 'interruptKeys' | 'clearInputKeys'> {
  /** @default the option's key alone */
  readonly answerKeys?: Detector['answerKeys'];
  /** Reads the screen's lines with the process facts. */
  detect(lines: readonly string[], facts: ProcessFacts, timeZone: string | undefined): Detection;
}

/** Makes the factory of a built-in agent CLI detector. @internal */
export function screenDetector(spec: ScreenDetectorSpec): (options?: ScreenDetectorOptions | Readonly<Record<string, unknown>>) => Detector {
  return (options) => {
    const checked = detectorOptions(spec.name, options, ['timeZone']);
    const timeZone = validateTimeZone('timeZone', checked['timeZone']);
    return {
      name: spec.name,
      experimental: spec.experimental,
      processNames: spec.processNames,
      delivery: 'bracketed-paste',
      acceptsInput: ['idle'],
      interruptKeys: spec.interruptKeys,
      clearInputKeys: spec.clearInputKeys,
      answerKeys: spec.answerKeys ?? ((_prompt, option) => [option.key]),
      detect: (screen, facts) => spec.detect(screen.lines, facts, timeZone),
    };
  };
}
