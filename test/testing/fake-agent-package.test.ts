import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Options } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tsupConfig from '../../tsup.config.js';
import type { TmuxClient } from '../../src/index.js';
import { readFakeAgentLog } from '../../src/testing/fake-agent/log.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
/** Inside the package, so the build's own imports (execa…) resolve from its node_modules. */
const cacheDirectory = join(root, '.cache');
let outDir: string;
let scratch: string;
let tmux: TestServer;
let client: TmuxClient;

/**
 * Builds the package as `tsup.config.ts` says (without declarations), adding
 * the fake agent's program entry and its export from `testing` when they are
 * not there yet.
 */
beforeAll(async () => {
  await mkdir(cacheDirectory, { recursive: true });
  outDir = await mkdtemp(join(cacheDirectory, 'fake-agent-build-'));
  scratch = await mkdtemp(join(tmpdir(), 'tmo-fake-agent-package-'));
  const config = tsupConfig as Options;
  const entry = { ...(config.entry as Record<string, string>) };
  entry['testing/fake-agent'] ??= 'src/testing/fake-agent/program.ts';
  if (!(await readFile(join(root, 'src/testing/index.ts'), 'utf8')).includes('fakeAgentCommand')) {
    const testingEntry = join(outDir, 'testing-entry.ts');
    await writeFile(
      testingEntry,
      [
        `export * from ${JSON.stringify(join(root, 'src/testing/index.ts'))};`,
        `export { fakeAgentCommand } from ${JSON.stringify(join(root, 'src/testing/fake-agent/launch.ts'))};`,
      ].join('\n'),
    );
    entry['testing/index'] = testingEntry;
  }
  await build({ ...config, entry, outDir: join(outDir, 'dist'), dts: false, sourcemap: false, silent: true, config: false });
  tmux = await createTestServer();
  client = await tmux.connect();
}, 60_000);
afterAll(async () => {
  await client?.close();
  await tmux?.kill();
  await rm(outDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** `fakeAgentCommand({ log })` as the built package computes it, loaded with `import` or `require`. */
async function builtCommand(format: 'esm' | 'cjs', log: string): Promise<string[]> {
  const file = join(outDir, 'dist', format === 'esm' ? 'testing/index.js' : 'testing/index.cjs');
  const load = format === 'esm' ? `await import(${JSON.stringify(file)})` : `require(${JSON.stringify(file)})`;
  const code = `const m = ${load}; console.log(JSON.stringify(m.fakeAgentCommand({ log: ${JSON.stringify(log)} })));`;
  const { stdout } = await run(process.execPath, ['--input-type', format === 'esm' ? 'module' : 'commonjs', '-e', code], { cwd: scratch });
  return JSON.parse(stdout) as string[];
}

describe('the fake agent from the built package', () => {
  it.each(['esm', 'cjs'] as const)('is found next to the %s build of `testing`, and runs in a pane', async (format) => {
    const log = join(scratch, `${format}.jsonl`);
    const argv = await builtCommand(format, log);
    expect(argv).toEqual([process.execPath, join(outDir, 'dist/testing/fake-agent.js'), '--log', log]);

    const { paneId } = await client.newSession({ command: argv, width: 100, height: 30 });
    await retryUntil(async () => (await client.capturePane(paneId)).includes('  ? for shortcuts'), {
      timeoutMs: 10_000,
      description: 'the built fake agent at its prompt',
    });
    await client.sendText(paneId, `from the ${format} build`);
    await client.sendKeys(paneId, ['Enter']);
    const entries = await retryUntil(async () => {
      const logged = await readFakeAgentLog(log);
      return logged.length > 0 ? logged : undefined;
    });
    expect(entries.map((entry) => entry.text)).toEqual([`from the ${format} build`]);
  });
});
