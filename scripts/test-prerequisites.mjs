#!/usr/bin/env node
// `npm test` runs this first (pretest). It makes a fresh machine ready for the whole test
// suite: the Debian packages the network tests drive (FRR, BIRD, ExaBGP, tcpdump, arping,
// nftables) and the TypeScript build that tests spawning the `ironlb` binary use.
// Tests that need root do not skip when they cannot run: they fail and say why.
import { execFileSync } from 'node:child_process';
import { ensureDebianPackages, isRoot } from './debian-packages.mjs';

if (process.platform !== 'linux') {
  console.error('IronLB tests need Linux (network namespaces, AF_PACKET).');
  process.exit(1);
}
if (isRoot()) {
  ensureDebianPackages();
} else {
  console.warn('pretest: not root, so Debian packages are not installed and network tests will fail.');
}
execFileSync('npx', ['tsc', '-b'], { stdio: 'inherit' });
