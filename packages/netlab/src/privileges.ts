import { accessSync, constants, readFileSync } from 'node:fs';
import { NetlabError, NetlabErrorCode } from './errors.js';

/** Linux capability numbers (linux/capability.h) that netlab needs. */
const Capability = { CAP_NET_ADMIN: 12, CAP_NET_RAW: 13, CAP_SYS_ADMIN: 21 } as const;

/** What `checkPrivileges()` found. */
export interface PrivilegeCheck {
  ok: boolean;
  uid: number | undefined;
  /** Names of the capabilities that are missing from the effective set. */
  missingCapabilities: string[];
  /** One line saying what is wrong and what to do; empty when ok. */
  reason: string;
}

/**
 * Tells whether this process can create network namespaces: root, with CAP_SYS_ADMIN (setns,
 * mounting /run/netns), CAP_NET_ADMIN (links, addresses, routes) and CAP_NET_RAW (tcpdump,
 * arping).
 */
export function checkPrivileges(): PrivilegeCheck {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (process.platform !== 'linux') {
    return { ok: false, uid, missingCapabilities: [], reason: 'netlab needs Linux (network namespaces)' };
  }
  const effective = readEffectiveCapabilities();
  const missing = Object.entries(Capability)
    .filter(([, bit]) => effective !== undefined && (effective & (1n << BigInt(bit))) === 0n)
    .map(([name]) => name);
  if (uid !== 0) {
    return {
      ok: false,
      uid,
      missingCapabilities: missing,
      reason:
        `netlab builds network namespaces and needs root (running as uid ${uid ?? 'unknown'}): ` +
        'run the tests as root, for example `sudo npx vitest run test/netlab` (CI runs as root)',
    };
  }
  if (missing.length > 0) {
    return {
      ok: false,
      uid,
      missingCapabilities: missing,
      reason: `running as root but without ${missing.join(', ')}: run in a privileged container or on the host`,
    };
  }
  return { ok: true, uid, missingCapabilities: [], reason: '' };
}

/**
 * Throws `ERR_IRONLB_NETLAB_NOT_ROOT` with a plain explanation when namespaces cannot be created.
 * Call it in `beforeAll` of every test that needs root: the test then fails (never skips).
 */
export function requireRoot(): void {
  const check = checkPrivileges();
  if (!check.ok) throw new NetlabError(NetlabErrorCode.NotRoot, check.reason);
}

/** A binary netlab drives and the Debian package that provides it. */
export const netlabTools = {
  ip: { path: '/usr/sbin/ip', debianPackage: 'iproute2' },
  sysctl: { path: '/usr/sbin/sysctl', debianPackage: 'procps' },
  zebra: { path: '/usr/lib/frr/zebra', debianPackage: 'frr' },
  bgpd: { path: '/usr/lib/frr/bgpd', debianPackage: 'frr' },
  bfdd: { path: '/usr/lib/frr/bfdd', debianPackage: 'frr' },
  vtysh: { path: '/usr/bin/vtysh', debianPackage: 'frr' },
  bird: { path: '/usr/sbin/bird', debianPackage: 'bird2' },
  birdc: { path: '/usr/sbin/birdc', debianPackage: 'bird2' },
  exabgp: { path: '/usr/sbin/exabgp', debianPackage: 'exabgp' },
  tcpdump: { path: '/usr/bin/tcpdump', debianPackage: 'tcpdump' },
  arping: { path: '/usr/bin/arping', debianPackage: 'iputils-arping' },
  ping: { path: '/usr/bin/ping', debianPackage: 'iputils-ping' },
  nft: { path: '/usr/sbin/nft', debianPackage: 'nftables' },
  curl: { path: '/usr/bin/curl', debianPackage: 'curl' },
} as const;

export type NetlabTool = keyof typeof netlabTools;

/** The tools from `tools` that are not installed (not executable at their Debian path). */
export function missingTools(tools: readonly NetlabTool[]): NetlabTool[] {
  return tools.filter((tool) => {
    try {
      accessSync(netlabTools[tool].path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Throws `ERR_IRONLB_NETLAB_MISSING_TOOL` naming the Debian packages to install. */
export function requireTools(tools: readonly NetlabTool[]): void {
  const missing = missingTools(tools);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => netlabTools[tool].debianPackage))];
  throw new NetlabError(
    NetlabErrorCode.MissingTool,
    `missing ${missing.join(', ')}: install with \`apt-get install -y --no-install-recommends ${packages.join(' ')}\` ` +
      '(or run `node scripts/test-prerequisites.mjs` as root)',
  );
}

function readEffectiveCapabilities(): bigint | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    return match ? BigInt(`0x${match[1]}`) : undefined;
  } catch {
    return undefined;
  }
}
