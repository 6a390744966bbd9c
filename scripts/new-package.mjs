#!/usr/bin/env node
// Creates (or refreshes the boilerplate of) a workspace package from scripts/packages.mjs.
// Usage: node scripts/new-package.mjs <name> [dep ...]
// It writes package.json, tsconfig.json, src/index.ts and README.md only when they are missing,
// and always rewrites the root tsconfig.json references from the package map.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packages } from './packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const [name, ...deps] = process.argv.slice(2);

function writeIfMissing(path, text) {
  if (!existsSync(path)) writeFileSync(path, text);
}

function packageJson(pkgName, info, internalDeps) {
  const source = (file) => ({
    '@ironlb/source': `./src/${file}.ts`,
    types: `./dist/${file}.d.ts`,
    default: `./dist/${file}.js`,
  });
  return {
    name: `@ironlb/${pkgName}`,
    version: '0.1.0',
    private: true,
    description: info.description,
    license: 'Apache-2.0',
    type: 'module',
    exports: { '.': source('index') },
    files: ['dist', 'src', 'README.md'],
    dependencies: Object.fromEntries(internalDeps.map((d) => [`@ironlb/${d}`, '0.1.0'])),
  };
}

function tsconfig(info, internalDeps) {
  return {
    extends: info.pure ? '../../tsconfig.pure.json' : '../../tsconfig.node.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
    exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'],
    references: internalDeps.map((d) => ({ path: `../${d}` })),
  };
}

if (name) {
  const info = packages[name];
  if (!info) throw new Error(`unknown package ${name}: add it to scripts/packages.mjs first`);
  const dir = join(root, 'packages', name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeIfMissing(join(dir, 'package.json'), JSON.stringify(packageJson(name, info, deps), null, 2) + '\n');
  writeIfMissing(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig(info, deps), null, 2) + '\n');
  writeIfMissing(join(dir, 'src', 'index.ts'), `// Public surface of @ironlb/${name}.\nexport {};\n`);
  writeIfMissing(join(dir, 'README.md'), `# @ironlb/${name}\n\n${info.description}.\n`);
}

const rootTsconfig = {
  files: [],
  references: Object.keys(packages)
    .filter((p) => existsSync(join(root, 'packages', p, 'tsconfig.json')))
    .map((p) => ({ path: `packages/${p}` })),
};
writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(rootTsconfig, null, 2) + '\n');
