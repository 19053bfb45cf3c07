/**
 * Plugins: a name and a `setup` that registers strategies (and may keep a
 * reference to the orchestrator), run by `Orchestrator.start()`.
 *
 * @module
 */
import type { StrategyRegistry } from './registry.js';

/** What a plugin's `setup` receives. */
export interface PluginContext<Host = unknown> {
  /** The registry to add strategies to. */
  readonly registry: StrategyRegistry;
  /** The orchestrator starting the plugin. */
  readonly orchestrator: Host;
}

/**
 * A plugin. `setup` may return a teardown function, run when the
 * orchestrator closes.
 *
 * @example
 * const myDetectors: Plugin = {
 *   name: 'my-detectors',
 *   setup: ({ registry }) => registry.register('detector', 'my-cli', () => myDetector),
 * };
 */
export interface Plugin<Host = unknown> {
  /** A name for messages. */
  readonly name: string;
  /** Registers what the plugin brings. */
  setup(context: PluginContext<Host>): void | (() => void | Promise<void>) | Promise<void | (() => void | Promise<void>)>;
}
