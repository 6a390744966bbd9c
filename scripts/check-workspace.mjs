#!/usr/bin/env node
// Checks that each package's tsconfig `references` mirror the workspace packages in its
// package.json `dependencies` (STYLE.md 2.2 rule 3). A missing reference lets `tsc -b` build
// a package before one it imports, which fails only on a clean build (fresh clone, CI).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const problems = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tsconfig.json'))) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
  const deps = new Set(
    Object.keys(pkg.dependencies ?? {})
      .filter((d) => d.startsWith('@ironlb/'))
      .map((d) => d.slice('@ironlb/'.length)),
  );
  const refs = new Set(
    (tsconfig.references ?? []).map((r) => r.path.replace(/^\.\.\//, '').replace(/\/.*$/, '')),
  );
  for (const d of deps)
    if (!refs.has(d))
      problems.push(
        `packages/${name}: depends on @ironlb/${d} but tsconfig.json has no reference to ../${d}`,
      );
  for (const r of refs)
    if (!deps.has(r))
      problems.push(
        `packages/${name}: tsconfig.json references ../${r} but package.json does not depend on @ironlb/${r}`,
      );
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
