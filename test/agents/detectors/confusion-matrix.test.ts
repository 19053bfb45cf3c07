import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS } from '../../../src/agents/detectors/index.js';
import { AGENT_STATES, type AgentState } from '../../../src/agents/state.js';
import { factsOf, loadManifest, MANIFEST, readScreen, SCREENS_DIR, type ManifestEntry } from './screens.js';

/** A fixture classified by a detector. */
interface Row {
  readonly file: string;
  readonly expected: AgentState;
  readonly detected: AgentState;
  readonly evidence: readonly string[];
}

const FAKE_AGENT_DIR = join(SCREENS_DIR, 'fake-agent');

/** Every fixture, grouped by agent; the fake agent's screens imitate Claude Code's. */
function fixtureGroups(): Map<string, { entry: ManifestEntry; path: string }[]> {
  const groups = new Map<string, { entry: ManifestEntry; path: string }[]>();
  const add = (detector: string, entry: ManifestEntry, path: string): void => {
    const group = groups.get(detector) ?? [];
    group.push({ entry, path });
    groups.set(detector, group);
  };
  for (const entry of MANIFEST) add(entry.agent, entry, join(SCREENS_DIR, entry.file));
  for (const entry of loadManifest(join(FAKE_AGENT_DIR, 'manifest.json')) ?? []) {
    const underScreens = join(SCREENS_DIR, entry.file);
    add(`fake-agent (${entry.detector ?? 'claude-code'})`, entry, existsSync(underScreens) ? underScreens : join(FAKE_AGENT_DIR, entry.file));
  }
  return groups;
}

/** The detector a group is read with: `fake-agent (claude-code)` → `claude-code`. */
function detectorName(group: string): string {
  return /\((.+)\)$/u.exec(group)?.[1] ?? group;
}

/** The matrix as text: a row per expected state, a column per state either side used. */
function formatMatrix(group: string, rows: readonly Row[]): string {
  const used = AGENT_STATES.filter((state) => rows.some((row) => row.expected === state || row.detected === state));
  const width = Math.max(...used.map((state) => state.length), 'expected \\ detected'.length);
  const cell = (text: string | number): string => String(text).padStart(Math.max(...used.map((state) => state.length)) + 1);
  const lines = [`${group}: ${rows.length} screens`, `${'expected \\ detected'.padEnd(width)}${used.map(cell).join('')}`];
  for (const expected of used) {
    if (!rows.some((row) => row.expected === expected)) continue;
    const counts = used.map((detected) => rows.filter((row) => row.expected === expected && row.detected === detected).length);
    lines.push(`${expected.padEnd(width)}${counts.map((count) => cell(count === 0 ? '.' : count)).join('')}`);
  }
  return lines.join('\n');
}

const groups = fixtureGroups();

describe('built-in detectors on the captured screens', () => {
  it('has fixtures for the agents with real screens', () => {
    expect([...groups.keys()]).toEqual(expect.arrayContaining(['claude-code', 'codex', 'gemini-cli']));
  });

  for (const [group, fixtures] of groups) {
    it(`${group}: every screen is classified as its manifest says`, () => {
      const factory = BUILTIN_DETECTORS[detectorName(group)];
      expect(factory, `a built-in detector for ${group}`).toBeDefined();
      const detector = factory!();
      const rows: Row[] = fixtures.map(({ entry, path }) => {
        const detection = detector.detect(readScreen(path), factsOf(entry));
        return { file: entry.file, expected: entry.state, detected: detection.state, evidence: detection.evidence };
      });
      console.log(formatMatrix(group, rows));
      const disagreements = rows.filter((row) => row.expected !== row.detected);
      expect(disagreements).toEqual([]);
    });
  }
});
