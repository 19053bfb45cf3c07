#!/usr/bin/env node
// Usage: node .ci/complete-lock.mjs package-lock.json
// The npm registry reachable here does not serve every platform build of rollup
// (e.g. @rollup/rollup-android-arm64 is a 404), so `npm install` leaves them
// out of the lock, and npm 11 `npm ci` then fails with "Missing: ... from lock
// file". This adds the missing optional entries (never installed on this
// platform); run it after regenerating package-lock.json from scratch.
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
const added = [];
for (const [path, meta] of Object.entries(pk)) {
  for (const [dep, ver] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pk[key] || pk[`${path}/node_modules/${dep}`]) continue;
    const m = /^@rollup\/rollup-(android|darwin|freebsd|linux|openbsd|openharmony|win32)-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x)(?:-(.*))?$/.exec(dep);
    if (!m) { console.error('unknown', dep); process.exit(1); }
    const [, os, cpu, abi] = m;
    const entry = { version: ver, cpu: [cpu], dev: meta.dev || undefined };
    if (os === 'linux') entry.libc = [abi?.startsWith('musl') ? 'musl' : 'glibc'];
    Object.assign(entry, { license: 'MIT', optional: true, os: [os] });
    if (!entry.dev) delete entry.dev;
    pk[key] = entry;
    added.push(dep);
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log('added', added.length, added.join(' '));
