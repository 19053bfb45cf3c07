/**
 * Placement on the first server only.
 *
 * @module
 */
import type { PlacementFactory } from './strategy.js';

/**
 * Places every new agent on the first configured server (the behaviour of a
 * single-server orchestrator); the other servers only hold agents adopted or
 * discovered there.
 *
 * @example
 * await Orchestrator.start({ servers, placement: 'first' });
 */
export const firstServerPlacement: PlacementFactory = () => (servers) => {
  const first = servers[0];
  if (first === undefined) throw new RangeError('placement needs at least one server');
  return first.server;
};
