/**
 * The captured agent screens (test/fixtures/screens) as detector input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentState, ProcessFacts, Screen } from '../../../src/agents/state.js';

/** The fixtures directory. */
export const SCREENS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/screens');

/** One entry of a fixtures manifest. */
export interface ManifestEntry {
  readonly file: string;
  readonly agent: string;
  /** The detector that reads it, when not the one named after `agent` (the fake agent's screens). */
  readonly detector?: string;
  readonly state: AgentState;
  readonly detail: string;
  readonly paneCurrentCommand: string;
  readonly paneDead?: boolean;
  readonly deadStatus?: number;
}

/** A manifest's entries, or `undefined` when the file does not exist. */
export function loadManifest(path: string): ManifestEntry[] | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ManifestEntry[];
}

/** The screen in `path`: one string per line, as `capture-pane -p` printed it. */
export function readScreen(path: string): Screen {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { lines };
}

/** The main manifest's entries. */
export const MANIFEST: readonly ManifestEntry[] = loadManifest(join(SCREENS_DIR, 'manifest.json')) ?? [];

/** A fixture of the main manifest by its `file`, e.g. `claude-code/idle-welcome.txt`. */
export function fixture(file: string): { readonly screen: Screen; readonly facts: ProcessFacts; readonly entry: ManifestEntry } {
  const entry = MANIFEST.find((candidate) => candidate.file === file);
  if (entry === undefined) throw new Error(`no fixture ${file} in the manifest`);
  return { screen: readScreen(join(SCREENS_DIR, file)), facts: factsOf(entry), entry };
}

/** The process facts at capture time: the pane's command, alive unless the manifest says otherwise. */
export function factsOf(entry: ManifestEntry, extra: Partial<ProcessFacts> = {}): ProcessFacts {
  return {
    paneDead: entry.paneDead ?? false,
    currentCommand: entry.paneCurrentCommand,
    ...(entry.deadStatus === undefined ? {} : { deadStatus: entry.deadStatus }),
    ...extra,
  };
}

/** A screen from lines. */
export const screenOf = (...lines: string[]): Screen => ({ lines });
