import type { Family } from './codec/prefix.js';
import type { Rib, RibEntry } from './route.js';

/**
 * What to send to bring a peer from `advertised` to `desired` (MetalLB `Session.Set`, Cilium's
 * advertisement reconciler, without the I/O): prefixes that are new or whose attributes
 * changed are announced again (an UPDATE replaces the previous route, RFC 4271 §3.1), prefixes
 * no longer desired are withdrawn. Announcements come grouped by family and attribute set, so
 * that each group fills UPDATEs that share one set of path attributes.
 */
export interface RibDiff {
  readonly announce: readonly AnnounceGroup[];
  readonly withdraw: readonly RibEntry[];
}

export interface AnnounceGroup {
  readonly family: Family;
  readonly attributesKey: string;
  readonly entries: RibEntry[];
}

export function diffRib(desired: Rib, advertised: Rib): RibDiff {
  const groups = new Map<string, AnnounceGroup>();
  for (const [key, entry] of desired) {
    const old = advertised.get(key);
    if (old && old.attributes.key === entry.attributes.key) continue;
    const gk = `${entry.prefix.family}|${entry.attributes.key}`;
    let g = groups.get(gk);
    if (!g) {
      g = { family: entry.prefix.family, attributesKey: entry.attributes.key, entries: [] };
      groups.set(gk, g);
    }
    g.entries.push(entry);
  }
  const withdraw: RibEntry[] = [];
  for (const [key, entry] of advertised) if (!desired.has(key)) withdraw.push(entry);
  return { announce: [...groups.values()], withdraw };
}

/** True when the diff sends nothing. */
export function isEmptyDiff(d: RibDiff): boolean {
  return d.announce.length === 0 && d.withdraw.length === 0;
}

/** Counts prefixes of a table per family. */
export function countByFamily(rib: Rib): { ipv4: number; ipv6: number } {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const e of rib.values()) {
    if (e.prefix.family === 4) ipv4++;
    else ipv6++;
  }
  return { ipv4, ipv6 };
}
