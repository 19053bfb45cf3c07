/**
 * Benchmarks measure the library as its users run it: bundled by esbuild
 * as the build bundles it, under plain Node. Run through tsx instead, every
 * function the library makes goes through esbuild's `keepNames` helper
 * (`__name`, one `Object.defineProperty` per closure), which added a third to
 * a half to Node's CPU per 1000-agent monitor cycle.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { UsageError } from './args.js';

/** The repository: the nearest folder above this module (or above its bundle, in `.cache/bench/`) with a package.json. */
export function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

/** Bundles `entry` (a path under the repository) into `.cache/bench/<name>.mjs`, dependencies left external; returns that file. */
export async function bundle(entry: string): Promise<string> {
  const root = repositoryRoot();
  const outfile = join(root, '.cache/bench', `${basename(entry).replace(/\.ts$/u, '')}.mjs`);
  await build({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  return outfile;
}

/**
 * When the module at `moduleUrl` runs from its TypeScript source, bundles it,
 * runs the bundle under plain Node with the same arguments, sets this
 * process's exit code to the bundle's, and resolves to `true`. Resolves to
 * `false` when it already runs bundled: the caller then does its work.
 *
 * @example
 * if (!(await runBundled(import.meta.url))) await main();
 */
export async function runBundled(moduleUrl: string): Promise<boolean> {
  const source = fileURLToPath(moduleUrl);
  if (!source.endsWith('.ts')) return false;
  const outfile = await bundle(relative(repositoryRoot(), source));
  const child = spawn(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Passed on, so the bundle removes its tmux servers; this process waits for it (a second Ctrl-C included).
  const relay = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  process.exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  process.off('SIGINT', relay);
  process.off('SIGTERM', relay);
  return true;
}

/**
 * A benchmark's entry point: run bundled (see {@link runBundled}), or, in
 * the bundle, `main`, with a usage error printed above `usage` and any other
 * error's stack; either sets the exit code to 1.
 *
 * @example
 * await runBenchmark(import.meta.url, main, USAGE);
 */
export async function runBenchmark(moduleUrl: string, main: () => Promise<void>, usage: string): Promise<void> {
  if (await runBundled(moduleUrl)) return;
  await main().catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}
