#!/usr/bin/env node
// Packaging smoke test: checks what `npm publish` would ship, then installs the
// packed tarball into a fresh project and loads it the ways users will:
// `import` and `require` of `.` and `./testing` on Node 20 (this node), 22 and
// 24, plus a TypeScript (NodeNext) check that the shipped types resolve.
//
// Needs a build first (`npm run build`). Node 22/24 come from the npm packages
// `node-<platform>-<arch>@<major>`, cached in .cache/node-versions/<major>.
//
// Env: SMOKE_NODE_MAJORS="22,24" (extra Node majors; empty string for none),
//      SMOKE_KEEP=1 (keep the temp project and print its path).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = Date.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const extraMajors = (process.env.SMOKE_NODE_MAJORS ?? '22,24')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const failures = [];
let passed = 0;

const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    const err = new Error(
      `\`${cmd} ${args.join(' ')}\` exited ${res.status}\n${res.stdout ?? ''}${res.stderr ?? ''}`.trim(),
    );
    err.result = res;
    throw err;
  }
  return res;
}

function fail(msg) {
  failures.push(msg);
  console.log(`FAIL ${msg}`);
}

function ok(msg) {
  passed += 1;
  console.log(`ok   ${msg}`);
}

function step(name) {
  console.log(`\n== ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

/** Every file target in the `exports` map, e.g. `dist/index.js`. */
function exportTargets(node, out = new Set()) {
  if (typeof node === 'string') out.add(node.replace(/^\.\//, ''));
  else if (node && typeof node === 'object') for (const v of Object.values(node)) exportTargets(v, out);
  return out;
}

// ---------------------------------------------------------------- 0. build present
for (const f of exportTargets(pkg.exports)) {
  if (!existsSync(join(root, f))) {
    console.error(`missing ${f}: run \`npm run build\` before the packaging smoke test`);
    process.exit(1);
  }
}
// With the placeholder `export {};` entry points an empty export list is fine;
// once the entry declares anything, both module systems must expose names.
const placeholder = /^\s*export\s*\{\s*\}\s*;?\s*$/.test(readFileSync(join(root, 'dist/index.d.ts'), 'utf8'));

// ---------------------------------------------------------------- 1. files shipped
step('npm pack --dry-run: files shipped');
const dry = JSON.parse(run(npmCmd, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root }).stdout);
const shipped = dry[0].files.map((f) => f.path).sort();
const allowed = (p) => p.startsWith('dist/') || ['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json'].includes(p);
for (const p of shipped) console.log(`  ${allowed(p) ? ' ' : '!'} ${p}`);
console.log(`  ${shipped.length} files, ${(dry[0].size / 1024).toFixed(1)} kB packed, ${(dry[0].unpackedSize / 1024).toFixed(1)} kB unpacked`);
const stray = shipped.filter((p) => !allowed(p));
if (stray.length) fail(`files outside dist/, README.md, CHANGELOG.md, LICENSE, package.json are shipped: ${stray.join(', ')}`);
const missing = [...exportTargets(pkg.exports), 'LICENSE', 'CHANGELOG.md'].filter((f) => !shipped.includes(f));
if (missing.length) fail(`not in the package: ${missing.join(', ')}`);
if (!stray.length && !missing.length) ok('shipped files: only dist/ and the docs, every exports target present');
if (!shipped.includes('README.md')) console.log('  note: README.md is not in the package (no README.md yet?)');

// ---------------------------------------------------------------- 2. pack + install
step('npm pack + install into a fresh project');
const work = mkdtempSync(join(tmpdir(), 'tmux-orchestrator-smoke-'));
const app = join(work, 'app');
mkdirSync(app);
const packed = JSON.parse(
  run(npmCmd, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root }).stdout,
);
const tarball = join(work, packed[0].filename);
console.log(`  ${packed[0].filename}`);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke-app', private: true, version: '0.0.0' }, null, 2));
run(
  npmCmd,
  ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--loglevel=error', tarball],
  { cwd: app },
);
console.log('  installed');

// Scripts that load the package and print {".": [...names], "./testing": [...names]}.
const describe = `(m) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]))`;
writeFileSync(
  join(app, 'load.mjs'),
  `const d = ${describe};
const out = { '.': d(await import('tmux-orchestrator')), './testing': d(await import('tmux-orchestrator/testing')) };
console.log(JSON.stringify(out));
`,
);
writeFileSync(
  join(app, 'load.cjs'),
  `const d = ${describe};
const out = { '.': d(require('tmux-orchestrator')), './testing': d(require('tmux-orchestrator/testing')) };
console.log(JSON.stringify(out));
`,
);

function load(nodeBin, script) {
  const res = spawnSync(nodeBin, [script], { cwd: app, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${script} exited ${res.status}: ${(res.stderr || res.stdout).trim()}`);
  const warnings = res.stderr.split('\n').filter((l) => /Warning/.test(l));
  return { exports: JSON.parse(res.stdout.trim().split('\n').pop()), warnings };
}

const fmt = (m) => Object.keys(m).join(', ') || '(none)';

/** Loads both entry points both ways with `nodeBin`; returns the ESM export map. */
function checkRuntime(label, nodeBin) {
  try {
    const esm = load(nodeBin, 'load.mjs');
    const cjs = load(nodeBin, 'load.cjs');
    const problems = [];
    for (const entry of ['.', './testing']) {
      const a = JSON.stringify(esm.exports[entry]);
      const b = JSON.stringify(cjs.exports[entry]);
      if (a !== b) problems.push(`${entry}: import gives {${fmt(esm.exports[entry])}} but require gives {${fmt(cjs.exports[entry])}}`);
      if (!placeholder && entry === '.' && Object.keys(esm.exports[entry]).length === 0) {
        problems.push(`${entry}: no exports`);
      }
    }
    const counts = ['.', './testing'].map((e) => `${e} ${Object.keys(esm.exports[e]).length}`).join(', ');
    const warn = [...new Set([...esm.warnings, ...cjs.warnings])];
    if (problems.length) fail(`${label}: ${problems.join('; ')}`);
    else ok(`${label}: import+require of . and ./testing agree (${counts} exports)`);
    for (const w of warn) console.log(`     ${label} warning: ${w.trim()}`);
    return esm.exports;
  } catch (err) {
    fail(`${label}: ${err.message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- 3. runtime, this node
step(`runtime on this node`);
const here = checkRuntime(`node ${process.version}`, process.execPath);
if (here) {
  for (const entry of ['.', './testing']) console.log(`  ${entry}: ${fmt(here[entry])}`);
}

// ---------------------------------------------------------------- 4. types (NodeNext)
step('TypeScript (NodeNext) against the installed package');
{
  const ident = /^[A-Za-z_$][\w$]*$/;
  const names = (entry) => Object.keys(here?.[entry] ?? {}).filter((n) => ident.test(n) && n !== 'default');
  const imports = (entry, spec) => {
    const n = names(entry);
    return n.length
      ? `import { ${n.join(', ')} } from '${spec}';\nexport const used_${spec === 'tmux-orchestrator' ? 'root' : 'testing'} = [${n.join(', ')}];\n`
      : `import * as ns_${spec === 'tmux-orchestrator' ? 'root' : 'testing'} from '${spec}';\nexport { ns_${spec === 'tmux-orchestrator' ? 'root' : 'testing'} };\n`;
  };
  writeFileSync(join(app, 'esm.mts'), imports('.', 'tmux-orchestrator') + imports('./testing', 'tmux-orchestrator/testing'));
  const req = (entry, spec, v) =>
    `import ${v} = require('${spec}');\n` + names(entry).map((n) => `void ${v}.${n};\n`).join('');
  writeFileSync(join(app, 'cjs.cts'), req('.', 'tmux-orchestrator', 'root') + req('./testing', 'tmux-orchestrator/testing', 'testing') + 'export {};\n');
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          strict: true,
          noEmit: true,
          // Check our shipped .d.ts/.d.cts too, not only that they resolve.
          skipLibCheck: false,
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      },
      null,
      2,
    ),
  );
  try {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app });
    ok(`tsc (NodeNext): import { ${names('.').length} names } and import = require() resolve for . and ./testing`);
  } catch (err) {
    fail(`tsc (NodeNext) in the consumer project:\n${err.result?.stdout || err.message}`);
  }
}

// ---------------------------------------------------------------- 5. runtime, other nodes
step(`runtime on Node ${extraMajors.join(', ') || '(none)'}`);
const nodePkg = `node-${process.platform}-${process.arch}`;
for (const major of extraMajors) {
  const dir = join(root, '.cache', 'node-versions', major);
  const bin = join(dir, 'node_modules', nodePkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  try {
    const version = () => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    let ok = false;
    try {
      ok = existsSync(bin) && version().startsWith(`v${major}.`);
    } catch {}
    if (!ok) {
      console.log(`  installing ${nodePkg}@${major} into ${dir}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `node-${major}`, private: true }));
      run(npmCmd, ['install', '--no-audit', '--no-fund', '--loglevel=error', `${nodePkg}@${major}`], { cwd: dir });
    }
    checkRuntime(`node ${version()}`, bin);
  } catch (err) {
    fail(`node ${major}: ${err.message}`);
  }
}

// ---------------------------------------------------------------- done
if (process.env.SMOKE_KEEP) console.log(`\nkept ${work}`);
else rmSync(work, { recursive: true, force: true });
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\npackage smoke took ${secs}s`);
for (const f of failures) console.log(`  - ${f.split('\n')[0]}`);
console.log(`package-smoke: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
