/**
 * Checks Prometheus exposition text with Prometheus's own parser and naming
 * lint, `promtool check metrics`, when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';

/** `true` when `promtool` runs (Debian: `apt-get install -y prometheus`). */
export const PROMTOOL_AVAILABLE = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;

/** Runs `promtool check metrics` on the text: its exit code and what it printed (lint problems, parse errors). */
export async function promtoolCheck(text: string): Promise<{ exitCode: number; output: string }> {
  const result = await execa('promtool', ['check', 'metrics'], { input: text, reject: false, all: true });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}
