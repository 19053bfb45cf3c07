/**
 * The demo's fleet: a few scripted Node fake agents the scenarios talk to,
 * and light bash agents (idle or working) for the rest.
 *
 * @module
 */
import { join } from 'node:path';
import type { Agent, Orchestrator } from '../../src/index.js';
import { fakeAgentCommand, lightAgentCommand, type FakeAgentScript } from '../../src/testing/index.js';

/** What a scripted agent is for. */
export type AgentRole = 'delivery' | 'check-in' | 'approval' | 'crash';

/** A scripted Node fake agent. */
export interface ScriptedAgent {
  /** Its name. */
  readonly name: string;
  /** The scenario it plays in. */
  readonly role: AgentRole;
  /** Needed by a scenario (the others are left out when `--agents` is small). */
  readonly required: boolean;
  /** How it answers messages. */
  readonly script: FakeAgentScript;
}

/** The text that makes `builder` crash. */
export const CRASH_TRIGGER = 'flaky';
/** The text that makes `reviewer` ask for approval. */
export const APPROVAL_TRIGGER = 'Deploy';

/** The scripted agents, required ones first. */
export const SCRIPTED_AGENTS: readonly ScriptedAgent[] = [
  { name: 'eng-1', role: 'delivery', required: true, script: { workMs: 900, reply: 'All 214 tests pass.' } },
  { name: 'eng-2', role: 'delivery', required: true, script: { workMs: 1_400, reply: 'Refactored the parser; 3 files changed.' } },
  { name: 'pm', role: 'check-in', required: true, script: { workMs: 600, reply: 'Status: on track, 2 tasks left.' } },
  {
    name: 'reviewer',
    role: 'approval',
    required: true,
    script: {
      workMs: 400,
      steps: [
        {
          on: { match: APPROVAL_TRIGGER },
          do: 'approval',
          tool: 'Bash',
          command: 'npm run deploy -- --preview',
          reply: 'Deployed the preview build.',
        },
      ],
    },
  },
  {
    name: 'builder',
    role: 'crash',
    required: true,
    script: {
      workMs: 500,
      reply: 'Build green.',
      steps: [{ on: { match: CRASH_TRIGGER }, do: 'crash', message: 'ECONNRESET while running the integration suite' }],
    },
  },
  { name: 'eng-3', role: 'delivery', required: false, script: { workMs: 700, reply: 'Docs updated.' } },
  { name: 'eng-4', role: 'delivery', required: false, script: { workMs: 1_100, reply: 'Benchmarks within 2% of main.' } },
  { name: 'eng-5', role: 'delivery', required: false, script: { workMs: 800, reply: 'Fixed the flaky-looking timeout.' } },
];

/** The tmux session the agents run in. */
export const DEMO_SESSION = 'demo';

/** Agents spawned at once. */
const SPAWN_BATCH = 25;

/** The scripted agents a fleet of `size` has: the required ones, then optional ones while there is room. */
export function scriptedAgentsFor(size: number): ScriptedAgent[] {
  const required = SCRIPTED_AGENTS.filter((agent) => agent.required);
  const optional = SCRIPTED_AGENTS.filter((agent) => !agent.required);
  return [...required, ...optional.slice(0, Math.max(0, size - required.length))];
}

/** The fake agent's message log of a scripted agent. */
export function agentLog(directory: string, name: string): string {
  return join(directory, `${name}.jsonl`);
}

/**
 * Spawns `size` agents in session {@link DEMO_SESSION}: the scripted ones, then light
 * agents `bg-01`… (every third one working, printing a line every 0.5 to
 * 1.5 s; the others idle).
 */
export async function spawnFleet(orc: Orchestrator, directory: string, size: number): Promise<Agent[]> {
  const scripted = scriptedAgentsFor(size);
  const width = String(size - scripted.length).length;
  const commands = [
    ...scripted.map((agent) => ({
      name: agent.name,
      command: fakeAgentCommand({ log: agentLog(directory, agent.name), script: agent.script, name: agent.name }),
    })),
    ...Array.from({ length: size - scripted.length }, (_, index) => {
      const name = `bg-${String(index + 1).padStart(Math.max(2, width), '0')}`;
      const intervalMs = 500 + ((index * 137) % 1_000);
      return { name, command: lightAgentCommand({ name, active: index % 3 === 0, intervalMs, lines: 2 }) };
    }),
  ];
  const agents: Agent[] = [];
  for (let start = 0; start < commands.length; start += SPAWN_BATCH) {
    const batch = commands.slice(start, start + SPAWN_BATCH);
    agents.push(...(await Promise.all(batch.map(({ name, command }) => orc.spawn({ name, kind: 'claude-code', command, cwd: directory, session: DEMO_SESSION })))));
  }
  return agents;
}
