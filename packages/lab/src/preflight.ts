// What the lab needs from the machine, checked before anything is created, each failure in
// one plain sentence: Linux, root with the network capabilities, network namespaces, and the
// tools (FRR, iproute2, curl, openssl).
import { accessSync, constants, existsSync } from 'node:fs';
import {
  checkPrivileges,
  missingTools,
  netlabTools,
  runCommand,
  type NetlabTool,
  type PrivilegeCheck,
} from '@ironlb/netlab';
import { LabError, LabErrorCode } from './lab-error.js';

const labTools: NetlabTool[] = ['ip', 'sysctl', 'zebra', 'bgpd', 'vtysh', 'curl'];

/** What the checks look at; the system's by default, fakes in tests. */
export interface MachineProbe {
  readonly platform: string;
  privileges(): PrivilegeCheck;
  /** Whether /proc/self/ns/net exists (the kernel has network namespaces). */
  hasNetworkNamespaces(): boolean;
  /** `ip netns list`: code and stderr. */
  listNamespaces(): Promise<{ code: number | null; stderr: string }>;
  /** Debian packages whose files are missing. */
  missingPackages(): string[];
}

export const systemProbe: MachineProbe = {
  platform: process.platform,
  privileges: checkPrivileges,
  hasNetworkNamespaces: () => existsSync('/proc/self/ns/net'),
  listNamespaces: () => runCommand(['ip', 'netns', 'list'], { timeoutMs: 5000 }),
  missingPackages() {
    const packages = new Set<string>(missingTools(labTools).map((tool) => netlabTools[tool].debianPackage));
    try {
      accessSync('/usr/bin/openssl', constants.X_OK);
    } catch {
      packages.add('openssl');
    }
    return [...packages];
  },
};

function fail(message: string): never {
  throw new LabError(LabErrorCode.prerequisites, message);
}

/** Throws a LabError (`ERR_IRONLB_LAB_PREREQUISITES`) saying what is missing and what to do. */
export async function checkLabPrerequisites(probe: MachineProbe = systemProbe): Promise<void> {
  if (probe.platform !== 'linux')
    fail(`the IronLB lab needs Linux network namespaces; this is ${probe.platform}`);
  const privileges = probe.privileges();
  if (!privileges.ok) {
    if (privileges.uid !== 0)
      fail(
        'the IronLB lab needs root: it creates network namespaces, veth pairs and a router. ' +
          'Run it as root (for example `sudo npm run lab`)',
      );
    fail(
      `the IronLB lab runs as root but without ${privileges.missingCapabilities.join(', ')}: ` +
        'run it on the host or in a privileged container',
    );
  }
  if (!probe.hasNetworkNamespaces())
    fail('this kernel has no network namespaces (CONFIG_NET_NS), which the IronLB lab is built from');
  const listing = await probe.listNamespaces();
  if (listing.code !== 0)
    fail(`network namespaces are not usable here (\`ip netns list\`: ${listing.stderr.trim() || 'failed'})`);
  const packages = probe.missingPackages();
  if (packages.length > 0)
    fail(
      `missing Debian packages: ${packages.join(' ')}; install them with ` +
        `\`apt-get install -y --no-install-recommends ${packages.join(' ')}\` (\`npm run lab\` does it for you)`,
    );
}
