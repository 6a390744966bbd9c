// What the lab needs from the machine, checked before anything is created, each failure in
// one plain sentence: Linux, root with the network capabilities, network namespaces, and the
// tools (FRR, iproute2, curl, openssl).
import { accessSync, constants, existsSync } from 'node:fs';
import { checkPrivileges, missingTools, netlabTools, runCommand, type NetlabTool } from '@ironlb/netlab';
import { LabError, LabErrorCode } from './lab-error.js';

const labTools: NetlabTool[] = ['ip', 'sysctl', 'zebra', 'bgpd', 'vtysh', 'curl'];

function fail(message: string): never {
  throw new LabError(LabErrorCode.prerequisites, message);
}

/** Throws a LabError saying what is missing and what to do. */
export async function checkLabPrerequisites(): Promise<void> {
  if (process.platform !== 'linux')
    fail(`the IronLB lab needs Linux network namespaces; this is ${process.platform}`);
  const privileges = checkPrivileges();
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
  if (!existsSync('/proc/self/ns/net'))
    fail('this kernel has no network namespaces (CONFIG_NET_NS), which the IronLB lab is built from');
  const listing = await runCommand(['ip', 'netns', 'list'], { timeoutMs: 5000 });
  if (listing.code !== 0)
    fail(`network namespaces are not usable here (\`ip netns list\`: ${listing.stderr.trim() || 'failed'})`);
  const missing = missingTools(labTools);
  const packages = new Set<string>(missing.map((tool) => netlabTools[tool].debianPackage));
  try {
    accessSync('/usr/bin/openssl', constants.X_OK);
  } catch {
    packages.add('openssl');
  }
  if (packages.size > 0)
    fail(
      `missing Debian packages: ${[...packages].join(' ')}; install them with ` +
        `\`apt-get install -y --no-install-recommends ${[...packages].join(' ')}\` (\`npm run lab\` does it for you)`,
    );
}
