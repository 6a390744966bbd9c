// What the planner derives from the configuration and the Nodes, computed once per change
// instead of once per address: pools by address, advertisements by pool, which nodes each
// advertisement selects (among nodes that may announce at all), preference scores, and the
// BGP peers of this node.
import {
  matchesAnySelector,
  type BgpAdvertisementConfig,
  type L2AdvertisementConfig,
  type PoolConfig,
  type SpeakerConfig,
} from '@ironlb/config';
import type { IPAddress } from '@ironlb/netaddr';
import type { NodeView } from './model.js';
import { IneligibleReason } from './reasons.js';

/** Why a node may not announce anything, or undefined when it may. */
export function nodeIneligibility(node: NodeView | undefined): IneligibleReason | undefined {
  if (!node) return IneligibleReason.nodeUnknown;
  if (!node.ready) return IneligibleReason.nodeNotReady;
  if (node.networkUnavailable) return IneligibleReason.nodeNetworkUnavailable;
  if (node.excluded) return IneligibleReason.nodeExcluded;
  return undefined;
}

export class PlannerConfig {
  readonly config: SpeakerConfig;
  readonly self: string;
  readonly #l2ByPool = new Map<string, L2AdvertisementConfig[]>();
  readonly #bgpByPool = new Map<string, BgpAdvertisementConfig[]>();
  /** L2 advertisement name -> nodes it selects that may announce. */
  readonly #l2Nodes = new Map<string, Set<string>>();
  /** L2 advertisement name -> node -> preference score. */
  readonly #l2Scores = new Map<string, Map<string, number>>();
  /** BGP peers whose node selectors select this node. */
  #activePeers = new Set<string>();

  constructor(config: SpeakerConfig, self: string, nodes: Iterable<NodeView>) {
    this.config = config;
    this.self = self;
    for (const ad of config.l2Advertisements) {
      for (const p of ad.pools) push(this.#l2ByPool, p, ad);
      this.#l2Nodes.set(ad.name, new Set());
      this.#l2Scores.set(ad.name, new Map());
    }
    for (const ad of config.bgpAdvertisements) for (const p of ad.pools) push(this.#bgpByPool, p, ad);
    for (const n of nodes) this.updateNode(n.name, n);
  }

  /** The pool holding `address`, or undefined. */
  poolOf(address: IPAddress): PoolConfig | undefined {
    for (const pool of this.config.pools)
      if (pool.ranges.some((r) => r.family === address.family && r.contains(address))) return pool;
    return undefined;
  }

  l2Advertisements(pool: string): readonly L2AdvertisementConfig[] {
    return this.#l2ByPool.get(pool) ?? [];
  }

  bgpAdvertisements(pool: string): readonly BgpAdvertisementConfig[] {
    return this.#bgpByPool.get(pool) ?? [];
  }

  /** Whether the L2 advertisement selects `node` and the node may announce. */
  l2Selects(ad: string, node: string): boolean {
    return this.#l2Nodes.get(ad)?.has(node) ?? false;
  }

  /** Nodes the L2 advertisement selects that may announce. */
  l2Nodes(ad: string): ReadonlySet<string> {
    return this.#l2Nodes.get(ad) ?? new Set();
  }

  /** Nodes that any L2 advertisement selects and that may announce: the possible layer-2 owners. */
  l2SelectedNodes(): Set<string> {
    const out = new Set<string>();
    for (const nodes of this.#l2Nodes.values()) for (const n of nodes) out.add(n);
    return out;
  }

  l2Score(ad: string, node: string): number {
    return this.#l2Scores.get(ad)?.get(node) ?? 0;
  }

  isActivePeer(peer: string): boolean {
    return this.#activePeers.has(peer);
  }

  get activePeers(): ReadonlySet<string> {
    return this.#activePeers;
  }

  /**
   * Takes a node's new view (or its deletion) into the per-advertisement sets. Returns
   * whether any selection or score changed.
   */
  updateNode(name: string, node: NodeView | undefined): boolean {
    let changed = false;
    const ok = nodeIneligibility(node) === undefined;
    for (const ad of this.config.l2Advertisements) {
      const set = this.#l2Nodes.get(ad.name)!;
      const selected = ok && matchesAnySelector(ad.nodeSelectors, node!.labels);
      if (selected !== set.has(name)) {
        changed = true;
        if (selected) set.add(name);
        else set.delete(name);
      }
      const scores = this.#l2Scores.get(ad.name)!;
      let score = 0;
      if (node)
        for (const p of ad.preferredNodes)
          if (matchesAnySelector([p.preference], node.labels)) score += p.weight;
      if ((scores.get(name) ?? 0) !== score) {
        changed = true;
        if (score === 0) scores.delete(name);
        else scores.set(name, score);
      }
    }
    if (name === this.self) {
      const peers = new Set<string>();
      if (node)
        for (const peer of this.config.bgpPeers)
          if (matchesAnySelector(peer.nodeSelectors, node.labels)) peers.add(peer.name);
      if (peers.size !== this.#activePeers.size || [...peers].some((p) => !this.#activePeers.has(p))) {
        this.#activePeers = peers;
        changed = true;
      }
    }
    return changed;
  }

  /** Whether a BGP advertisement's node selectors select this node (conditions aside). */
  bgpSelectsSelf(ad: BgpAdvertisementConfig, self: NodeView | undefined): boolean {
    return self !== undefined && matchesAnySelector(ad.nodeSelectors, self.labels);
  }

  /** Whether an L2 advertisement's node selectors select this node (conditions aside). */
  l2SelectsSelf(ad: L2AdvertisementConfig, self: NodeView | undefined): boolean {
    return self !== undefined && matchesAnySelector(ad.nodeSelectors, self.labels);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
