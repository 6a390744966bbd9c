// ESLint rule `ironlb/layering`: enforces the package map of ARCHITECTURE.md.
//
// - An import of another workspace package (`@ironlb/x`) must be declared in the importing
//   package's package.json and must not go up a layer (scripts/packages.mjs).
// - An import of an external package must be declared in the importing package's package.json
//   (test files may also use the root devDependencies).
// - Pure packages, and `src/core/` in packages that split core from node, may not import
//   `node:` modules or anything from `../node/`.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { packages } from '../packages.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const rootDev = new Set(Object.keys(rootPkg.devDependencies ?? {}));
const manifests = new Map();

function manifestOf(pkgName) {
  if (!manifests.has(pkgName)) {
    const json = JSON.parse(readFileSync(join(root, 'packages', pkgName, 'package.json'), 'utf8'));
    manifests.set(
      pkgName,
      new Set([
        ...Object.keys(json.dependencies ?? {}),
        ...Object.keys(json.optionalDependencies ?? {}),
        ...Object.keys(json.peerDependencies ?? {}),
        ...Object.keys(json.devDependencies ?? {}),
      ]),
    );
  }
  return manifests.get(pkgName);
}

function bareName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const builtins = new Set(builtinModules);

function check(context, node, spec) {
  if (typeof spec !== 'string') return;
  const file = relative(root, context.filename).split(sep).join('/');
  const m = /^packages\/([^/]+)\/src\/(.*)$/.exec(file);
  if (!m) return;
  const [, from, inner] = m;
  const info = packages[from];
  if (!info) return context.report({ node, message: `package ${from} is not in scripts/packages.mjs` });
  const isTest = /\.(test|bench)\.ts$/.test(inner) || inner.startsWith('testing/');
  const inCore = info.pure || (info.coreDir && inner.startsWith('core/'));

  if (spec.startsWith('.')) {
    if (info.coreDir && inner.startsWith('core/') && /(^|\/)node\//.test(spec.replace(/^(\.\.\/)+/, ''))) {
      const target = join(dirname(file), spec).split(sep).join('/');
      if (target.includes(`/src/node/`))
        context.report({
          node,
          message: `core/ must not import node/ (${spec}): the pure core stays free of I/O`,
        });
    }
    return;
  }
  if (spec.startsWith('node:') || builtins.has(spec)) {
    if (inCore && !isTest)
      context.report({
        node,
        message: `${info.pure ? `pure package ${from}` : `${from}/src/core`} must not import ${spec}`,
      });
    return;
  }
  const dep = bareName(spec);
  if (dep.startsWith('@ironlb/')) {
    const to = dep.slice('@ironlb/'.length);
    const target = packages[to];
    if (!target) return context.report({ node, message: `unknown workspace package ${dep}` });
    if (to === from)
      return context.report({ node, message: `import your own package by relative path, not ${dep}` });
    const sameLayerAllowed = (info.mayImport ?? []).includes(to);
    if (target.layer > info.layer || (target.layer === info.layer && !sameLayerAllowed))
      context.report({
        node,
        message: `${from} (layer ${info.layer}) must not import ${dep} (layer ${target.layer}): imports only go down (ARCHITECTURE.md)`,
      });
    if (!manifestOf(from).has(dep))
      context.report({ node, message: `${dep} is not declared in packages/${from}/package.json` });
    return;
  }
  if (manifestOf(from).has(dep)) return;
  if (isTest && rootDev.has(dep)) return;
  context.report({ node, message: `${dep} is not declared in packages/${from}/package.json` });
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the package layering and declared dependencies' },
    schema: [],
  },
  create(context) {
    const literal = (n) => (n && n.type === 'Literal' ? n.value : undefined);
    return {
      ImportDeclaration: (node) => check(context, node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(context, node, node.source.value),
      ExportAllDeclaration: (node) => check(context, node, node.source.value),
      ImportExpression: (node) => check(context, node, literal(node.source)),
    };
  },
};
