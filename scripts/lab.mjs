#!/usr/bin/env node
// `npm run lab`: the README's first command. On a fresh machine it installs what IronLB needs
// (npm packages, the native addon build, Debian packages), then runs `ironlb lab up`.
// Extra arguments are passed on: `npm run lab -- down`, `npm run lab -- status -o json`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDebianPackages, isRoot } from './debian-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const step = (msg) => console.log(`\u25b8 ${msg}`);

if (process.platform !== 'linux' || !isRoot()) {
  console.error(
    'The IronLB lab builds network namespaces, veth pairs and a router: it needs Linux and root.',
  );
  console.error('Run it as root (for example: sudo npm run lab).');
  process.exit(1);
}
if (!existsSync(`${root}/node_modules/typescript`) || !existsSync(`${root}/node_modules/@ironlb/cli`)) {
  step('installing npm dependencies (npm ci)');
  execFileSync('npm', ['ci'], { cwd: root, stdio: 'inherit' });
} else {
  step('building (tsc -b)');
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
}
step('checking Debian packages (frr, bird2, nftables, ...)');
ensureDebianPackages({ log: step });
const args = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  [`${root}/packages/cli/bin/ironlb.js`, 'lab', ...(args.length ? args : ['up'])],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
