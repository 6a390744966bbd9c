#!/usr/bin/env node
// Bundles bench/speaker-process.mjs and the packages it imports into one ES module file,
// build/speaker-process.mjs: what a shipped speaker binary would load (one file instead of
// about 60 modules, which is most of Node's module-loading time at start-up). @ironlb/sys
// and pino stay external: they are imported only when a session needs them.
//
//   node packages/bgp/bench/build-speaker.mjs
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
export const bundlePath = join(root, 'build', 'speaker-process.mjs');

await build({
  entryPoints: [join(root, 'bench', 'speaker-process.mjs')],
  outfile: bundlePath,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@ironlb/source'],
  external: ['@ironlb/sys', 'pino'],
  logLevel: 'warning',
});
