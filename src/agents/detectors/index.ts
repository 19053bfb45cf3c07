/**
 * The built-in detectors, by the agent kind each reads.
 *
 * @module
 */
import { createAiderDetector } from './aider.js';
import { createClaudeCodeDetector } from './claude-code.js';
import { createCodexDetector } from './codex.js';
import type { DetectorFactory } from './detector.js';
import { createGeminiCliDetector } from './gemini-cli.js';
import { createGenericDetector } from './generic.js';
import { createShellDetector } from './shell.js';

/**
 * The built-in detector factories, keyed by agent kind (`claude-code`, `codex`, `gemini-cli`, `aider`, `shell`, `generic`).
 *
 * @example
 * const registry = new StrategyRegistry();
 * for (const [name, factory] of Object.entries(BUILTIN_DETECTORS)) registry.register('detector', name, factory);
 * const detector = registry.get('detector', 'codex')();
 */
export const BUILTIN_DETECTORS: Readonly<Record<string, DetectorFactory>> = Object.freeze({
  'claude-code': createClaudeCodeDetector,
  codex: createCodexDetector,
  'gemini-cli': createGeminiCliDetector,
  aider: createAiderDetector,
  shell: createShellDetector,
  generic: createGenericDetector,
});
