/**
 * The built-in placement strategies, by name.
 *
 * @module
 */
import { firstServerPlacement } from './first.js';
import { leastLoadedPlacement } from './least-loaded.js';
import type { PlacementFactory, PlacementStrategyName } from './strategy.js';

/**
 * The built-in placement strategies, registered by every orchestrator.
 *
 * @example
 * const place = BUILTIN_PLACEMENTS['least-loaded']();
 * place([{ server: { socketName: 'a' }, agents: 3 }, { server: { socketName: 'b' }, agents: 1 }], { name: 'eng-9', kind: 'shell' });
 * // { socketName: 'b' }
 */
export const BUILTIN_PLACEMENTS: Readonly<Record<PlacementStrategyName, PlacementFactory>> = {
  'least-loaded': leastLoadedPlacement,
  first: firstServerPlacement,
};
