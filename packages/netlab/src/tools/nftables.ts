import type { Netns } from '../netns.js';

/** Something that can be undone (a table removed). */
export interface Removable {
  remove(): Promise<void>;
}

/** Loads an nftables script (`nft -f -`) inside `netns`. */
export async function nft(netns: Netns, script: string): Promise<void> {
  await netns.run(['nft', '-f', '-'], { input: script });
}

/** Lists the ruleset inside `netns` (`nft list ruleset`). */
export async function nftRuleset(netns: Netns): Promise<string> {
  return netns.run(['nft', 'list', 'ruleset']);
}

/** Deletes table `family name` inside `netns` if it exists. */
export async function deleteNftTable(netns: Netns, family: string, name: string): Promise<void> {
  await netns.exec(['nft', 'delete', 'table', family, name]);
}

export interface UdpLossOptions {
  /** UDP destination port to hit (the membership port). */
  port: number;
  /** Percentage of matching packets to drop, 0-100 (random, per packet). */
  percent: number;
  /** Drop arriving packets (`input`, default) or leaving ones (`output`). */
  direction?: 'input' | 'output';
}

/**
 * Drops a random `percent` of UDP packets to `port` in `netns` (nftables `numgen random`), for
 * tests that prove a lossy link causes no failover. Returns a handle that removes the rule.
 */
export async function dropUdpRandomly(netns: Netns, options: UdpLossOptions): Promise<Removable> {
  const direction = options.direction ?? 'input';
  const table = `ilb_loss_${direction}_${options.port}`;
  const percent = Math.max(0, Math.min(100, Math.round(options.percent)));
  await nft(
    netns,
    [
      `table inet ${table} {`,
      `  chain ${direction} {`,
      `    type filter hook ${direction} priority 0; policy accept;`,
      `    udp dport ${options.port} numgen random mod 100 < ${percent} counter drop`,
      '  }',
      '}',
    ].join('\n'),
  );
  return { remove: () => deleteNftTable(netns, 'inet', table) };
}

export interface DnatOptions {
  /** The Service IP (IPv4 or IPv6). */
  vip: string;
  /** The Service port. */
  port: number;
  /** Where packets go instead: an address of this namespace. */
  toAddress: string;
  toPort: number;
  protocol?: 'tcp' | 'udp';
}

/**
 * Rewrites traffic to `vip:port` to `toAddress:toPort` in `netns`, as kube-proxy's DNAT does
 * (a kube-proxy stand-in). Returns a handle that removes the table.
 */
export async function addDnat(netns: Netns, options: DnatOptions): Promise<Removable> {
  const v6 = options.vip.includes(':');
  const family = v6 ? 'ip6' : 'ip';
  const protocol = options.protocol ?? 'tcp';
  const table = `ilb_dnat_${options.vip.replace(/[.:]/g, '_')}_${options.port}`;
  const to = v6 ? `[${options.toAddress}]:${options.toPort}` : `${options.toAddress}:${options.toPort}`;
  await nft(
    netns,
    [
      `table ${family} ${table} {`,
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      `    ${family} daddr ${options.vip} ${protocol} dport ${options.port} dnat to ${to}`,
      '  }',
      '  chain output {',
      '    type nat hook output priority -100; policy accept;',
      `    ${family} daddr ${options.vip} ${protocol} dport ${options.port} dnat to ${to}`,
      '  }',
      '}',
    ].join('\n'),
  );
  return { remove: () => deleteNftTable(netns, family, table) };
}
