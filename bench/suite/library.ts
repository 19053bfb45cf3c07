/**
 * This library's methods: (d) poll mode, a fresh capture of every agent each
 * cycle, and (e) events mode with a tenth of the agents active.
 *
 * (d) is the cycle the health checker runs in poll mode, written against
 * `TmuxClient` directly: per server, one control connection, `list-panes`
 * (process facts) and every agent's `capture-pane -p -S -50` pipelined in
 * one round trip, every server at once, then the claude-code detector on each.
 *
 * @module
 */
import { createClaudeCodeDetector, type TmuxClient } from '../../src/index.js';
import { timeCycles, paneKey, type Captures, type Method } from '../field/method.js';
import { capture } from '../fleet.js';

const detector = createClaudeCodeDetector();

/** Method (d): every agent's screen and process facts, fresh, over one control connection per server. */
export const pollMethod: Method = (fleet, options) =>
  timeCycles('this library, poll (d)', fleet, options, async () => {
    const captures: Captures = new Map();
    await Promise.all(
      fleet.controlClients.map(async (client: TmuxClient, server) => {
        const mine = fleet.panes.filter((pane) => pane.server === server);
        const [rows, ...screens] = await Promise.all([client.listPanes(), ...mine.map((pane) => capture(fleet.controlClients, pane))]);
        const facts = new Map(rows.map((row) => [row.id, { paneDead: row.dead, currentCommand: row.currentCommand }]));
        mine.forEach((pane, i) => {
          const lines = screens[i] ?? [];
          detector.detect({ lines }, facts.get(pane.id) ?? { paneDead: true, currentCommand: '' });
          captures.set(paneKey(server, pane.id), lines);
        });
      }),
    );
    return captures;
  });
