/**
 * The default placement: the server with the fewest agents.
 *
 * @module
 */
import type { PlacementFactory } from './strategy.js';

/**
 * Places each new agent on the server with the fewest agents of the fleet;
 * ties go to the server configured first. With agents spawned one after
 * another, that spreads them evenly.
 *
 * @example
 * orc.registry.register('placement', 'least-loaded', leastLoadedPlacement);
 */
export const leastLoadedPlacement: PlacementFactory = () => (servers) => {
  let best = servers[0];
  if (best === undefined) throw new RangeError('placement needs at least one server');
  for (const candidate of servers) if (candidate.agents < best.agents) best = candidate;
  return best.server;
};
