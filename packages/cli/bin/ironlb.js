#!/usr/bin/env node
// The `ironlb` executable (also `kubectl-ironlb`, so it works as a kubectl plugin).
// It runs the compiled CLI; `npm ci` builds it (the root `prepare` script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(main)) {
  console.error('ironlb is not built yet: run `npm ci` (or `npm run build`) in the repository root.');
  process.exit(1);
}
await import(main.href);
