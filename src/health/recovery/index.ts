/**
 * The built-in recovery strategies, by name.
 *
 * @module
 */
import { escalateRecovery, type EscalateOptions } from './escalate.js';
import { notifyRecovery } from './notify.js';
import { restartRecovery, type RestartOptions } from './restart.js';
import { resumeRecovery, type ResumeOptions } from './resume.js';
import type { RecoveryFactory } from './strategy.js';

/**
 * The recovery strategies this library ships: `restart`, `notify`,
 * `escalate` and `resume`. Each factory validates its options and throws
 * `InvalidOptionError` for unknown or invalid ones.
 *
 * @example
 * const registry = new StrategyRegistry();
 * for (const [name, factory] of Object.entries(BUILTIN_RECOVERIES)) registry.register('recovery', name, factory);
 * const recovery = new RecoveryManager({ source: checker, fleet: orc, registry });
 */
export const BUILTIN_RECOVERIES: Readonly<Record<'restart' | 'notify' | 'escalate' | 'resume', RecoveryFactory>> = Object.freeze({
  restart: (options = {}) => restartRecovery(options as RestartOptions),
  notify: (options = {}) => notifyRecovery(options as Readonly<Record<string, never>>),
  escalate: (options = {}) => escalateRecovery(options as unknown as EscalateOptions),
  resume: (options = {}) => resumeRecovery(options as ResumeOptions),
});
