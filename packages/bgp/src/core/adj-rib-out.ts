import { familyOfKey, writePrefixKeyInto, type Family } from './codec/prefix.js';
import type { Rib, RouteAttributes } from './route.js';

/**
 * What to send to bring a peer from `advertised` to `desired` (MetalLB `Session.Set`, Cilium's
 * advertisement reconciler, without the I/O): prefixes that are new or whose attributes
 * changed are announced again (an UPDATE replaces the previous route, RFC 4271 §3.1), prefixes
 * no longer desired are withdrawn. Announcements come grouped by family and attribute set, so
 * that each group fills UPDATEs that share one set of path attributes.
 */
export interface RibDiff {
  readonly announce: readonly AnnounceGroup[];
  /** Prefix keys to withdraw. */
  readonly withdraw: readonly string[];
}

export interface AnnounceGroup {
  readonly family: Family;
  readonly attributes: RouteAttributes;
  /** Prefix keys. */
  readonly prefixes: string[];
}

export function diffRib(desired: Rib, advertised: Rib): RibDiff {
  // Attribute sets are shared objects within a table (AdvertisementTable interns them), so
  // groups are found by identity first and by key only across tables.
  const byObject = [new Map<RouteAttributes, AnnounceGroup>(), new Map<RouteAttributes, AnnounceGroup>()];
  const byKey = new Map<string, AnnounceGroup>();
  const groups: AnnounceGroup[] = [];
  for (const [key, attributes] of desired) {
    const old = advertised.get(key);
    if (old && (old === attributes || old.key === attributes.key)) continue;
    const family = familyOfKey(key);
    const objects = byObject[family === 4 ? 0 : 1]!;
    let g = objects.get(attributes);
    if (!g) {
      const gk = `${family}|${attributes.key}`;
      g = byKey.get(gk);
      if (!g) {
        g = { family, attributes, prefixes: [] };
        byKey.set(gk, g);
        groups.push(g);
      }
      objects.set(attributes, g);
    }
    g.prefixes.push(key);
  }
  const withdraw: string[] = [];
  if (advertised !== desired) for (const key of advertised.keys()) if (!desired.has(key)) withdraw.push(key);
  return { announce: groups, withdraw };
}

/** True when the diff sends nothing. */
export function isEmptyDiff(d: RibDiff): boolean {
  return d.announce.length === 0 && d.withdraw.length === 0;
}

/** Counts prefixes of a table per family. */
export function countByFamily(rib: Rib): { ipv4: number; ipv6: number } {
  let ipv4 = 0;
  for (const key of rib.keys()) if (familyOfKey(key) === 4) ipv4++;
  return { ipv4, ipv6: rib.size - ipv4 };
}

/** An announce group of a whole table, with its NLRI already on the wire. */
export interface TableGroup extends AnnounceGroup {
  /** The NLRI encoding of `prefixes`, in order. */
  readonly nlri: Uint8Array;
}

/**
 * A table as announce groups with their NLRI encoded: what a session that has nothing yet is
 * sent. `AdvertisementTable` computes it once, when the table is built, so that a session
 * coming up (or every session, after a restart) only copies bytes.
 */
export function groupTable(rib: Rib): TableGroup[] {
  const diff = diffRib(rib, new Map());
  return diff.announce.map((g) => {
    let size = 0;
    for (const k of g.prefixes) size += 1 + ((k.length - k.indexOf('/', 2) - 1) >> 1);
    const nlri = new Uint8Array(size);
    let at = 0;
    for (const k of g.prefixes) at += writePrefixKeyInto(nlri, at, size, k);
    return { ...g, nlri };
  });
}
