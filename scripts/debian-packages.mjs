// Installs the Debian packages that IronLB's lab and network tests use, when they are missing.
// Used by `npm test` (pretest) and `npm run lab`, so that both work on a fresh machine.
// Only the Node standard library is used here: this runs before `npm ci` has been done.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** Debian package -> a file it installs, used to tell whether it is present. */
export const debianPackages = {
  frr: '/usr/lib/frr/bgpd',
  'frr-pythontools': '/usr/lib/frr/frr-reload.py',
  bird2: '/usr/sbin/bird',
  exabgp: '/usr/sbin/exabgp',
  tcpdump: '/usr/bin/tcpdump',
  'iputils-arping': '/usr/bin/arping',
  'iputils-ping': '/usr/bin/ping',
  nftables: '/usr/sbin/nft',
  ethtool: '/usr/sbin/ethtool',
  iproute2: '/usr/sbin/ip',
  curl: '/usr/bin/curl',
  openssl: '/usr/bin/openssl',
  // node-gyp builds the native addon (@ironlb/sys) during `npm ci`.
  python3: '/usr/bin/python3',
  make: '/usr/bin/make',
  'g++': '/usr/bin/g++',
};

export function missingDebianPackages() {
  return Object.entries(debianPackages)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Installs what is missing. Package scripts must not start FRR or BIRD in the root namespace
 * (there is no init system here), so a policy-rc.d that forbids service starts is in place
 * for the duration of the install (network-lab.md, pitfall P1).
 */
export function ensureDebianPackages({ log = console.log } = {}) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return { installed: [] };
  if (!isRoot()) {
    throw new Error(
      `missing Debian packages ${missing.join(', ')} and not running as root: install them with ` +
        `"sudo apt-get install -y ${missing.join(' ')}" or run this command as root`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const policy = '/usr/sbin/policy-rc.d';
  const hadPolicy = existsSync(policy);
  if (!hadPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env, timeout: 300_000 });
    if (update.status !== 0) log('apt-get update failed; trying the install with the cached package lists');
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env,
      timeout: 900_000,
    });
  } finally {
    if (!hadPolicy) rmSync(policy, { force: true });
  }
  const still = missingDebianPackages();
  if (still.length > 0) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
  return { installed: missing };
}
