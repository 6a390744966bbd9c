#!/usr/bin/env node
// Renders IronLB's install manifests: copies crds/*.yaml into config/crd/ (kustomize reads no
// file outside a kustomization's directory), then writes `kubectl kustomize` of each target
// to config/manifests/. `--check` writes nothing and exits 1 naming every file that differs
// (test/cli/install-manifests.test.ts runs it). Node builtins and kubectl only.
//
//   node config/render.mjs          # after changing anything under config/ or crds/
//   node config/render.mjs --check
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');

/** Rendered manifest -> the kustomization it comes from. */
export const targets = {
  'config/manifests/ironlb.yaml': 'config/default',
  'config/manifests/ironlb-prometheus.yaml': 'config/overlays/prometheus',
};

const header = (dir) =>
  `# IronLB install manifest, rendered from ${dir} by \`node config/render.mjs\`: do not edit.\n` +
  `# Apply with: kubectl apply -f <this file> (or kubectl apply -k ${dir}).\n`;

const wanted = new Map();
for (const file of readdirSync(join(root, 'crds'))
  .filter((f) => f.endsWith('.yaml'))
  .sort())
  wanted.set(`config/crd/${file}`, readFileSync(join(root, 'crds', file), 'utf8'));
// The CRD copies must be in place before kustomize reads them.
if (!check) for (const [file, content] of wanted) writeFileSync(join(root, file), content);
for (const [file, dir] of Object.entries(targets)) {
  const rendered = execFileSync('kubectl', ['kustomize', join(root, dir)], { encoding: 'utf8' });
  wanted.set(file, header(dir) + rendered);
}

const drifted = [];
for (const [file, content] of wanted) {
  const path = join(root, file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === content) continue;
  drifted.push(file);
  if (!check) writeFileSync(path, content);
}
if (check && drifted.length > 0) {
  console.error(`out of date: ${drifted.join(', ')}; run \`node config/render.mjs\` and commit the result`);
  process.exit(1);
}
console.log(
  check
    ? 'install manifests are up to date'
    : `rendered: ${drifted.length ? drifted.join(', ') : 'nothing changed'}`,
);
