// This node's BGP routes per peer, kept incrementally: each address contributes routes
// (peer, prefix, attributes) and a prefix is advertised while any address contributes to it.
// Several addresses fold into one prefix under aggregation; their communities are merged
// (MetalLB does the same) and the highest LOCAL_PREF wins (config validation already refuses
// conflicting ones for the same pool, peer and nodes).
import type { Advertisement } from '@ironlb/bgp';
import type { LargeCommunity } from '@ironlb/config';

/** One route of one address towards one peer. */
export interface BgpRoute {
  readonly peer: string;
  /** Canonical CIDR text. */
  readonly prefix: string;
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly localPref?: number;
  /** The BGPAdvertisement it comes from. */
  readonly advertisement: string;
}

interface PrefixEntry {
  /** address -> its routes to this prefix (one per advertisement). */
  readonly contributions: Map<string, BgpRoute[]>;
  advertisement: Advertisement;
}

export class BgpRib {
  readonly #peers = new Map<string, Map<string, PrefixEntry>>();
  #changed = new Set<string>();

  /** Replaces the routes `ip` contributes (`before` is what it contributed until now). */
  replace(ip: string, before: readonly BgpRoute[], after: readonly BgpRoute[]): void {
    const touched = new Map<string, Set<string>>();
    const touch = (r: BgpRoute) => {
      let set = touched.get(r.peer);
      if (!set) touched.set(r.peer, (set = new Set()));
      set.add(r.prefix);
    };
    before.forEach(touch);
    after.forEach(touch);
    for (const [peer, prefixes] of touched) {
      let table = this.#peers.get(peer);
      if (!table) this.#peers.set(peer, (table = new Map()));
      for (const prefix of prefixes) {
        const mine = after.filter((r) => r.peer === peer && r.prefix === prefix);
        let entry = table.get(prefix);
        if (mine.length === 0) {
          if (!entry?.contributions.delete(ip)) continue;
          if (entry.contributions.size === 0) {
            table.delete(prefix);
            this.#changed.add(peer);
            continue;
          }
          const merged = merge(prefix, entry.contributions);
          if (!sameAdvertisement(merged, entry.advertisement)) {
            entry.advertisement = merged;
            this.#changed.add(peer);
          }
          continue;
        }
        const isNew = entry === undefined;
        if (!entry) {
          entry = { contributions: new Map(), advertisement: { prefix } };
          table.set(prefix, entry);
        }
        entry.contributions.set(ip, mine);
        const merged = merge(prefix, entry.contributions);
        if (isNew || !sameAdvertisement(merged, entry.advertisement)) {
          entry.advertisement = merged;
          this.#changed.add(peer);
        }
      }
      if (table.size === 0) this.#peers.delete(peer);
    }
  }

  /** The peers whose routes changed since the last call. */
  takeChangedPeers(): string[] {
    const out = [...this.#changed].sort();
    this.#changed = new Set();
    return out;
  }

  /** Everything this node advertises to `peer`: pass it to `session.setAdvertisements`. */
  advertisements(peer: string): Advertisement[] {
    return [...(this.#peers.get(peer)?.values() ?? [])].map((e) => e.advertisement);
  }

  prefixCount(peer: string): number {
    return this.#peers.get(peer)?.size ?? 0;
  }

  peers(): string[] {
    return [...this.#peers.keys()].sort();
  }
}

function merge(prefix: string, contributions: ReadonlyMap<string, readonly BgpRoute[]>): Advertisement {
  const communities = new Set<number>();
  const large = new Map<string, LargeCommunity>();
  let localPref: number | undefined;
  for (const routes of contributions.values())
    for (const r of routes) {
      for (const c of r.communities) communities.add(c);
      for (const l of r.largeCommunities)
        large.set(`${l.globalAdministrator}:${l.localData1}:${l.localData2}`, l);
      if (r.localPref !== undefined) localPref = Math.max(localPref ?? 0, r.localPref);
    }
  return {
    prefix,
    ...(communities.size > 0 ? { communities: [...communities].sort((a, b) => a - b) } : {}),
    ...(large.size > 0
      ? {
          largeCommunities: [...large.values()].sort(
            (a, b) =>
              a.globalAdministrator - b.globalAdministrator ||
              a.localData1 - b.localData1 ||
              a.localData2 - b.localData2,
          ),
        }
      : {}),
    ...(localPref !== undefined ? { localPref } : {}),
  };
}

function sameAdvertisement(a: Advertisement, b: Advertisement): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
