#!/usr/bin/env node
// `npm run lab`: the README's first command. On a fresh machine it installs what IronLB needs
// (Debian packages, npm packages with the native addon build, the TypeScript build), then runs
// `ironlb lab up`, which starts the lab and prints what to try next. Later runs take seconds:
// everything present is only checked.
//
// Extra arguments are passed on: `npm run lab -- down`, `npm run lab -- status -o json`,
// `npm run lab -- exec client -- curl -s http://198.51.100.10/`. Only the Node standard
// library is used here: this runs before `npm ci` has been done.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { ensureDebianPackages, isRoot } from './debian-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const tty = process.stdout.isTTY === true;
const started = Date.now();

/** Runs `fn` as one progress line: `▸ text ... (1.2s)`. */
function step(text, fn) {
  const t0 = Date.now();
  process.stdout.write(tty ? `\u25b8 ${text} ...` : `\u25b8 ${text}\n`);
  const detail = fn();
  const took = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  process.stdout.write(
    tty ? `\r\x1b[K\u25b8 ${detail ?? text} (${took})\n` : `  ${detail ?? 'done'} (${took})\n`,
  );
}

function run(file, args, what) {
  const r = spawnSync(file, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      `\n${what} failed (exit ${r.status ?? r.signal}); fix the error above and run \`npm run lab\` again.`,
    );
    process.exit(r.status ?? 1);
  }
}

if (process.platform !== 'linux') {
  console.error('The IronLB lab is built from Linux network namespaces: it runs on Linux only.');
  process.exit(1);
}
if (!isRoot()) {
  console.error(
    'The IronLB lab needs root: it creates network namespaces, veth pairs and a router.\n' +
      'Run it as root, for example: sudo npm run lab',
  );
  process.exit(1);
}

const args = process.argv.slice(2);
const subcommands = new Set([
  'up',
  'down',
  'status',
  'fail-node',
  'heal-node',
  'restart-speakers',
  'exec',
  'help',
]);
const hasSubcommand = args.some((a) => subcommands.has(a)) || args.includes('--help') || args.includes('-h');
const ironlbArgs = ['lab', ...args, ...(hasSubcommand ? [] : ['up'])];
// Only `up` prepares the machine; the other subcommands run the lab as it is.
if (ironlbArgs.includes('up')) {
  step('Debian packages (FRR, iproute2, nftables, curl, openssl, build tools)', () => {
    const { installed } = ensureDebianPackages({ log: (m) => console.log(`  ${m}`) });
    return installed.length
      ? `Debian packages installed: ${installed.join(' ')}`
      : 'Debian packages: all present';
  });
  if (!existsSync(`${root}/node_modules/typescript`) || !existsSync(`${root}/node_modules/@ironlb/cli`)) {
    step('npm dependencies and build (npm ci: first run only, about a minute)', () => {
      run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
      return 'npm dependencies installed and built (npm ci)';
    });
  } else {
    // After a pull that changed dependencies, say so (npm ci would rebuild node_modules under
    // anything else running from this tree, so it is left to the user).
    const installed = `${root}/node_modules/.package-lock.json`;
    if (
      existsSync(installed) &&
      statSync(`${root}/package-lock.json`).mtimeMs > statSync(installed).mtimeMs + 1000
    )
      console.log(
        '  note: package-lock.json changed since the last install; run `npm ci` if the build fails',
      );
    step('build (tsc -b, incremental)', () => {
      run(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-b'], 'the TypeScript build');
      return 'build up to date (tsc -b)';
    });
  }
  console.log(`  prepared in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
const result = spawnSync(process.execPath, [`${root}/packages/cli/bin/ironlb.js`, ...ironlbArgs], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
