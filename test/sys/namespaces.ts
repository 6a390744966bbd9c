// A few namespaces joined by veth pairs, for the @ironlb/sys tests. Deliberately tiny: the
// l2 tests use @ironlb/netlab's labs; these only need point-to-point links and addresses.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} needs root (network namespaces, AF_PACKET, CAP_NET_RAW); run the tests as root`);
  }
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

export class NamespaceSet {
  readonly prefix = `ilb-sys-${randomBytes(3).toString('hex')}`;
  readonly #created: string[] = [];

  /** Creates namespace `<prefix>-<short>` with lo up and IPv6 DAD off; returns its name. */
  add(short: string, sysctls: Record<string, string> = {}): string {
    const name = `${this.prefix}-${short}`;
    ip(['netns', 'add', name]);
    this.#created.push(name);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    const all = { 'net.ipv6.conf.all.accept_dad': '0', 'net.ipv6.conf.default.accept_dad': '0', ...sysctls };
    execFileSync(
      'ip',
      ['netns', 'exec', name, 'sysctl', '-qw', ...Object.entries(all).map(([k, v]) => `${k}=${v}`)],
      {
        timeout: 10_000,
      },
    );
    return name;
  }

  /** A veth pair between two namespaces, with optional MACs and addresses (CIDR), both ends up. */
  link(
    a: { ns: string; ifname: string; mac?: string; addrs?: string[] },
    b: { ns: string; ifname: string; mac?: string; addrs?: string[] },
  ): void {
    const args = ['link', 'add', a.ifname, 'netns', a.ns];
    if (a.mac) args.push('address', a.mac);
    args.push('type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns);
    if (b.mac) args.push('address', b.mac);
    ip(args);
    for (const end of [a, b]) {
      for (const addr of end.addrs ?? []) {
        ip(['-n', end.ns, 'addr', 'add', addr, 'dev', end.ifname, ...(addr.includes(':') ? ['nodad'] : [])]);
      }
      ip(['-n', end.ns, 'link', 'set', end.ifname, 'up']);
    }
  }

  run(ns: string, args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /** Deletes every namespace this set created (their veths go with them). */
  destroy(): void {
    for (const name of this.#created.splice(0).reverse()) {
      try {
        ip(['netns', 'del', name]);
      } catch {
        // already gone
      }
    }
  }
}
