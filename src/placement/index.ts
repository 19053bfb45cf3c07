/**
 * The built-in placement strategies, by name.
 *
 * @module
 */
import { firstServerPlacement } from './first.js';
import { leastLoadedPlacement } from './least-loaded.js';
import type { PlacementFactory, PlacementStrategyName } from './strategy.js';

/** The built-in placement strategies, registered by every orchestrator. */
export const BUILTIN_PLACEMENTS: Readonly<Record<PlacementStrategyName, PlacementFactory>> = {
  'least-loaded': leastLoadedPlacement,
  first: firstServerPlacement,
};
