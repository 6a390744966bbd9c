#!/usr/bin/env node
// Builds the native addon with node-gyp against the headers of the Node.js that runs this
// script, never downloading any (network-lab.md pitfall P9). Run by `npm ci`/`npm install`
// through this package's `install` script, or by hand: `node scripts/build.mjs`.
//
// Header directory, first match wins: `npm_config_nodedir` (npm's `nodedir` setting), then the
// prefix of the running node binary (`/usr` for Debian's nodejs, where `/usr/include/node`
// holds node_api.h and uv.h).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = join(dirname(new URL(import.meta.url).pathname), '..');

function nodeDir() {
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && existsSync(join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  console.error(
    '@ironlb/sys: no Node.js headers found (looked in $npm_config_nodedir and ' +
      `${join(prefix, 'include', 'node')}). Install the headers of this Node.js (Debian: nodejs ` +
      'ships them in /usr/include/node) or set npm_config_nodedir.',
  );
  process.exit(1);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(
      dirname(process.execPath),
      '..',
      'share',
      'nodejs',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
const dir = nodeDir();
const args = ['rebuild', `--nodedir=${dir}`];
// node-gyp also reads npm_config_nodedir; make it agree with the flag (an empty value would win).
const options = { cwd: here, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: dir } };
const result = gyp
  ? spawnSync(process.execPath, [gyp, ...args], options)
  : spawnSync('node-gyp', args, options);
if (result.error) {
  console.error(`@ironlb/sys: could not run node-gyp: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
