import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { InvalidOptionError } from '../../src/errors.js';
import { Orchestrator } from '../../src/orchestrator.js';
import { firstServerPlacement } from '../../src/placement/first.js';
import { leastLoadedPlacement } from '../../src/placement/least-loaded.js';
import { UnknownStrategyError } from '../../src/strategies/registry.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';

const SHELL = ['bash', '--norc', '--noprofile'];

describe('leastLoadedPlacement', () => {
  it('picks a server with the fewest agents, the earliest among equals', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), (counts) => {
        const loads = counts.map((agents, index) => ({ server: { socketName: `s${index}` }, agents }));
        const picked = leastLoadedPlacement()(loads, { name: 'a', kind: 'shell' });
        const index = loads.findIndex((load) => load.server === picked);
        expect(index).toBe(counts.indexOf(Math.min(...counts)));
      }),
    );
  });

  it('spreads agents placed one after another evenly', () => {
    const loads = [0, 0, 0, 0].map((agents, index) => ({ server: { socketName: `s${index}` }, agents }));
    for (let placed = 0; placed < 10; placed++) {
      const picked = leastLoadedPlacement()(loads, { name: `a${placed}`, kind: 'shell' });
      const load = loads.find((candidate) => candidate.server === picked);
      if (load !== undefined) load.agents++;
    }
    expect(loads.map((load) => load.agents)).toEqual([3, 3, 2, 2]);
  });

  it('first always picks the first server', () => {
    const loads = [5, 0].map((agents, index) => ({ server: { socketName: `s${index}` }, agents }));
    expect(firstServerPlacement()(loads, { name: 'a', kind: 'shell' })).toBe(loads[0]?.server);
  });
});

describe('Orchestrator placement over several servers', () => {
  let servers: TestServer[];
  let orc: Orchestrator;

  beforeAll(async () => {
    servers = await Promise.all([createTestServer(), createTestServer(), createTestServer()]);
    orc = await Orchestrator.start({ servers: servers.map((server) => server.server) });
  });

  afterAll(async () => {
    await orc?.close();
    await Promise.all((servers ?? []).map((server) => server.kill()));
  });

  it('spreads spawned agents over the servers, and a spawn can name its server', async () => {
    const sequential: Agent[] = [];
    for (let index = 0; index < 3; index++) sequential.push(await orc.spawn({ name: `a${index}`, kind: 'shell', command: SHELL }));
    // Spawns made at once spread out too.
    const together = await Promise.all([3, 4, 5].map((index) => orc.spawn({ name: `a${index}`, kind: 'shell', command: SHELL })));
    const agents = [...sequential, ...together];
    const perServer = servers.map((server) => agents.filter((agent) => agent.server === server.server).length);
    expect(perServer).toEqual([2, 2, 2]);
    for (const server of servers) {
      const client = await server.connect();
      try {
        const panes = await client.listPanes();
        expect(panes.map((pane) => pane.id).sort()).toEqual(agents.filter((agent) => agent.server === server.server).map((agent) => agent.paneId).sort());
      } finally {
        await client.close();
      }
    }
    const pinned = await orc.spawn({ name: 'pinned', kind: 'shell', command: SHELL, server: { socketPath: servers[2]?.server.socketPath ?? '' } });
    expect(pinned.server).toBe(servers[2]?.server);
    await expect(orc.spawn({ name: 'nowhere', kind: 'shell', command: SHELL, server: { socketName: 'not-ours' } })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    expect(orc.get('nowhere')).toBeUndefined();
  });

  it('refuses an unknown placement strategy at start', async () => {
    const [first] = servers;
    if (first === undefined) throw new Error('no server');
    // @ts-expect-error an unknown name is a type error too
    await expect(Orchestrator.start({ servers: [first.server], placement: 'random', discover: false })).rejects.toBeInstanceOf(UnknownStrategyError);
  });
});
