// The incremental planner: what this node announces, kept current address by address.
//
//   upsertService / deleteService / upsertSlice / deleteSlice / upsertNode / deleteNode / setConfig
//        -> mark addresses for evaluation (candidates, ranking, routes)
//   setMemberUp / setClaimGate / setYielded
//        -> mark addresses for election only (the ranking is kept)
//   plan() -> PlanDelta: what changed for this node, per address and protocol
//
// A change touches only the addresses it can affect: a Service its addresses (and those
// sharing with them), an EndpointSlice its Service's addresses, a speaker going down only the
// addresses it owned, another node's condition only that node's place in the rankings. A
// configuration change or a change of this node's own Node re-evaluates everything.
// Pure: no I/O, no clock; the speaker feeds it and applies the delta.
import type { SpeakerConfig } from '@ironlb/config';
import { IPAddress } from '@ironlb/netaddr';
import {
  candidacy,
  evaluateBgp,
  evaluateL2,
  type AddressContext,
  type L2Match,
} from './address-evaluation.js';
import { BgpRib, type BgpRoute } from './bgp-rib.js';
import {
  compareRanked,
  electOwner,
  electionHash,
  electionKey,
  rankNodes,
  type RankedNode,
} from './election.js';
import { EndpointIndex } from './endpoint-index.js';
import { nodeViewsDiffer, type SliceView } from './kube-objects.js';
import type { NodeView, ServiceView } from './model.js';
import { PlannerConfig } from './planner-config.js';
import { ElectionOutcome, type BgpReason, type IneligibleReason, type L2Reason } from './reasons.js';

export interface PlannerOptions {
  /** This node's name. */
  readonly self: string;
  /**
   * Without a majority of speakers reachable: `hold` (default) keeps the addresses this node
   * announces and takes none over; `ignore` elects as usual (two-node clusters).
   */
  readonly quorumPolicy?: 'hold' | 'ignore';
}

/** What this node announces for one address (one protocol). */
export interface Announced {
  /** Service keys (`namespace/name`), sorted. */
  readonly services: readonly string[];
  /** Layer 2: interface names, or `['*']`. */
  readonly interfaces?: readonly string[];
  /** BGP: peer names, sorted. */
  readonly peers?: readonly string[];
}

export interface AnnouncementChange {
  readonly ip: string;
  readonly protocol: 'layer2' | 'bgp';
  readonly before: Announced | undefined;
  readonly after: Announced | undefined;
  /** Why it is (`owner`, `advertised`) or is not announced now. */
  readonly reason: L2Reason | BgpReason | 'serviceDeleted';
  /** Layer 2, gained: the node that owned the address before in this speaker's view. */
  readonly from?: string;
}

export interface PlanDelta {
  readonly changes: readonly AnnouncementChange[];
  /** The layer-2 addresses or their interfaces changed: give `l2Owned()` to the announcer. */
  readonly l2Changed: boolean;
  /** Layer-2 addresses gained that nobody owned before (new allocations): probe them first. */
  readonly unclaimed: readonly string[];
  /** Peers whose routes changed: give them `bgpAdvertisements(peer)`. */
  readonly bgpPeersChanged: readonly string[];
  /** Addresses evaluated (candidates and routes) and elected in this call. */
  readonly evaluated: number;
  readonly elected: number;
}

/** Everything known about one address, for status and debugging. */
export interface AddressDecision {
  readonly ip: string;
  readonly services: readonly string[];
  readonly pool: string | undefined;
  readonly electionKey: string;
  readonly l2: {
    readonly reason: L2Reason;
    readonly owner: string | undefined;
    readonly ranking: readonly string[];
  };
  readonly bgp: { readonly reason: BgpReason; readonly routes: readonly BgpRoute[] };
}

interface Entry {
  readonly ip: string;
  readonly address: IPAddress;
  readonly services: Set<string>;
  pool: string | undefined;
  key: string;
  matches: readonly L2Match[];
  ranking: RankedNode[];
  interfaces: readonly string[];
  selfReason: IneligibleReason | undefined;
  owner: string | undefined;
  l2Reason: L2Reason;
  routes: readonly BgpRoute[];
  bgpReason: BgpReason;
  bgpAnnounced: Announced | undefined;
  /** Created after the initial sync and never elected: a new allocation. */
  fresh: boolean;
}

const emptyConfig: SpeakerConfig = {
  pools: [],
  bgpPeers: [],
  bgpAdvertisements: [],
  l2Advertisements: [],
  bfdProfiles: [],
};

export class Planner {
  readonly self: string;
  readonly #policy: 'hold' | 'ignore';
  #config: PlannerConfig;
  readonly #services = new Map<string, ServiceView>();
  readonly #endpoints = new EndpointIndex();
  readonly #nodes = new Map<string, NodeView>();
  readonly #up = new Set<string>();
  #gate: 'noQuorum' | 'settling' | undefined;
  readonly #yielded = new Set<string>();
  readonly #entries = new Map<string, Entry>();
  readonly #ownerIndex = new Map<string, Set<string>>();
  readonly #l2Owned = new Map<string, Announced>();
  readonly #blocked = new Set<string>();
  readonly #rib = new BgpRib();
  #dirtyFull = new Set<string>();
  #dirtyElect = new Set<string>();
  #synced = false;
  #changes: AnnouncementChange[] = [];
  #l2Changed = false;
  #unclaimed: string[] = [];
  /** Whether a node's speaker counts as up (this node always does). */
  readonly #isUp = (n: string): boolean => n === this.self || this.#up.has(n);

  constructor(options: PlannerOptions) {
    this.self = options.self;
    this.#policy = options.quorumPolicy ?? 'hold';
    this.#config = new PlannerConfig(emptyConfig, this.self, []);
  }

  // ---- inputs ----------------------------------------------------------------------------

  setConfig(config: SpeakerConfig): void {
    this.#config = new PlannerConfig(config, this.self, this.#nodes.values());
    for (const ip of this.#entries.keys()) this.#dirtyFull.add(ip);
  }

  get config(): SpeakerConfig {
    return this.#config.config;
  }

  /** The informers have listed everything: addresses that appear from now on are new allocations. */
  markSynced(): void {
    this.#synced = true;
  }

  upsertService(service: ServiceView): void {
    const old = this.#services.get(service.key);
    if (old && sameService(old, service)) return;
    const affected = new Set<string>(old ? this.#component(old.ips) : []);
    for (const ip of old?.ips ?? [])
      if (!service.ips.includes(ip)) this.#entries.get(ip)?.services.delete(service.key);
    this.#services.set(service.key, service);
    for (const ip of service.ips) this.#entry(ip).services.add(service.key);
    for (const ip of this.#component(service.ips)) affected.add(ip);
    for (const ip of affected) this.#dirtyFull.add(ip);
  }

  deleteService(key: string): void {
    const old = this.#services.get(key);
    if (!old) return;
    const affected = this.#component(old.ips);
    for (const ip of old.ips) this.#entries.get(ip)?.services.delete(key);
    this.#services.delete(key);
    for (const ip of affected) this.#dirtyFull.add(ip);
  }

  upsertSlice(slice: SliceView): void {
    for (const s of this.#endpoints.upsert(slice)) this.#serviceDirty(s);
  }

  deleteSlice(sliceKey: string): void {
    for (const s of this.#endpoints.delete(sliceKey)) this.#serviceDirty(s);
  }

  upsertNode(node: NodeView): void {
    const old = this.#nodes.get(node.name);
    this.#nodes.set(node.name, node);
    if (nodeViewsDiffer(old, node)) this.#nodeChanged(node.name, node);
  }

  deleteNode(name: string): void {
    if (!this.#nodes.delete(name)) return;
    this.#nodeChanged(name, undefined);
  }

  /** The membership view of another speaker: up (`alive` or `suspect`) or not. */
  setMemberUp(name: string, up: boolean): void {
    if (name === this.self || up === this.#up.has(name)) return;
    if (up) {
      this.#up.add(name);
      for (const e of this.#entries.values())
        if (e.ranking.some((r) => r.node === name)) this.#dirtyElect.add(e.ip);
    } else {
      this.#up.delete(name);
      for (const ip of this.#ownerIndex.get(name) ?? []) this.#dirtyElect.add(ip);
    }
  }

  isMemberUp(name: string): boolean {
    return name === this.self || this.#up.has(name);
  }

  /**
   * Stops (`noQuorum`, `settling`) or allows claims of addresses this node does not announce
   * yet. `noQuorum` only counts with the `hold` policy.
   */
  setClaimGate(gate: 'noQuorum' | 'settling' | undefined): void {
    const effective = gate === 'noQuorum' && this.#policy === 'ignore' ? undefined : gate;
    if (effective === this.#gate) return;
    this.#gate = effective;
    if (effective === undefined) for (const ip of this.#blocked) this.#dirtyElect.add(ip);
  }

  /** Stands back from (`true`) or may again claim (`false`) an address another speaker defends. */
  setYielded(ip: string, yielded: boolean): void {
    if (yielded === this.#yielded.has(ip)) return;
    if (yielded) this.#yielded.add(ip);
    else this.#yielded.delete(ip);
    if (this.#entries.has(ip)) this.#dirtyElect.add(ip);
  }

  // ---- planning --------------------------------------------------------------------------

  /** Brings every marked address up to date and returns what changed for this node. */
  plan(): PlanDelta {
    this.#changes = [];
    this.#l2Changed = false;
    this.#unclaimed = [];
    const full = this.#dirtyFull;
    const elect = this.#dirtyElect;
    this.#dirtyFull = new Set();
    this.#dirtyElect = new Set();
    for (const ip of full) this.#evaluate(ip);
    let elected = 0;
    for (const ip of elect) {
      if (full.has(ip)) continue;
      const e = this.#entries.get(ip);
      if (e) {
        this.#elect(e);
        elected++;
      }
    }
    return {
      changes: this.#changes,
      l2Changed: this.#l2Changed,
      unclaimed: this.#unclaimed,
      bgpPeersChanged: this.#rib.takeChangedPeers(),
      evaluated: full.size,
      elected: elected + full.size,
    };
  }

  /** Whether `plan()` has work to do. */
  get pending(): boolean {
    return this.#dirtyFull.size > 0 || this.#dirtyElect.size > 0;
  }

  // ---- outputs ---------------------------------------------------------------------------

  /** The layer-2 addresses this node announces, by interface (`'*'`: all selected interfaces). */
  l2Owned(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [ip, a] of this.#l2Owned)
      for (const ifname of a.interfaces ?? ['*']) {
        const list = out.get(ifname);
        if (list) list.push(ip);
        else out.set(ifname, [ip]);
      }
    return out;
  }

  l2Announced(): ReadonlyMap<string, Announced> {
    return this.#l2Owned;
  }

  bgpAdvertisements(peer: string): ReturnType<BgpRib['advertisements']> {
    return this.#rib.advertisements(peer);
  }

  bgpPrefixCount(peer: string): number {
    return this.#rib.prefixCount(peer);
  }

  /** Addresses this node advertises over BGP, with their peers. */
  *bgpAnnounced(): Generator<[string, Announced]> {
    for (const e of this.#entries.values()) if (e.bgpAnnounced) yield [e.ip, e.bgpAnnounced];
  }

  /** The BGP peers that select this node. */
  activePeers(): ReadonlySet<string> {
    return this.#config.activePeers;
  }

  /**
   * Nodes that may own layer-2 addresses (selected by an L2Advertisement, Ready, not
   * excluded), whether their speakers are up or not.
   */
  l2Nodes(): Set<string> {
    return this.#config.l2SelectedNodes();
  }

  /** The node owning each layer-2 address in this speaker's view. */
  owner(ip: string): string | undefined {
    return this.#entries.get(ip)?.owner;
  }

  /** Where this node stands in the ranking of `ip` relative to `other` (negative: above). */
  compareRank(ip: string, other: string): number | undefined {
    const e = this.#entries.get(ip);
    if (!e) return undefined;
    const mine = e.ranking.findIndex((r) => r.node === this.self);
    const theirs = e.ranking.findIndex((r) => r.node === other);
    if (mine < 0 || theirs < 0) return undefined;
    return mine - theirs;
  }

  decision(ip: string): AddressDecision | undefined {
    const e = this.#entries.get(ip);
    if (!e) return undefined;
    return {
      ip,
      services: [...e.services].sort(),
      pool: e.pool,
      electionKey: e.key,
      l2: { reason: e.l2Reason, owner: e.owner, ranking: e.ranking.map((r) => r.node) },
      bgp: { reason: e.bgpReason, routes: e.routes },
    };
  }

  addresses(): IterableIterator<string> {
    return this.#entries.keys();
  }

  get size(): number {
    return this.#entries.size;
  }

  service(key: string): ServiceView | undefined {
    return this.#services.get(key);
  }

  node(name: string): NodeView | undefined {
    return this.#nodes.get(name);
  }

  // ---- internals -------------------------------------------------------------------------

  #entry(ip: string): Entry {
    let e = this.#entries.get(ip);
    if (!e) {
      e = {
        ip,
        address: IPAddress.parse(ip),
        services: new Set(),
        pool: undefined,
        key: ip,
        matches: [],
        ranking: [],
        interfaces: ['*'],
        selfReason: undefined,
        owner: undefined,
        l2Reason: ElectionOutcome.notOwner,
        routes: [],
        bgpReason: 'noServingEndpoints',
        bgpAnnounced: undefined,
        fresh: this.#synced,
      };
      this.#entries.set(ip, e);
    }
    return e;
  }

  /** The addresses connected to `ips` through Services that share them. */
  #component(ips: readonly string[]): string[] {
    const seen = new Set(ips);
    const queue = [...ips];
    while (queue.length > 0) {
      const e = this.#entries.get(queue.pop()!);
      if (!e) continue;
      for (const key of e.services)
        for (const other of this.#services.get(key)?.ips ?? [])
          if (!seen.has(other)) {
            seen.add(other);
            queue.push(other);
          }
    }
    return [...seen];
  }

  #serviceDirty(key: string): void {
    for (const ip of this.#services.get(key)?.ips ?? []) this.#dirtyFull.add(ip);
  }

  #nodeChanged(name: string, node: NodeView | undefined): void {
    const changed = this.#config.updateNode(name, node);
    if (name === this.self) {
      for (const ip of this.#entries.keys()) this.#dirtyFull.add(ip);
      return;
    }
    if (!changed) return;
    // Only this node's place in each ranking can change: no full evaluation, and an election
    // only where the owner changes.
    for (const e of this.#entries.values()) {
      if (this.#dirtyFull.has(e.ip)) continue;
      const { candidate, score } = candidacy(this.#config, e.matches, name);
      const at = e.ranking.findIndex((r) => r.node === name);
      if (at >= 0 && candidate && e.ranking[at]!.score === score) continue;
      if (at < 0 && !candidate) continue;
      const ranking = e.ranking.filter((r) => r.node !== name);
      if (candidate) {
        const hash = at >= 0 ? e.ranking[at]!.hash : electionHash(name, e.key);
        ranking.push({ node: name, score, hash });
        ranking.sort(compareRanked);
      }
      e.ranking = ranking;
      // Only an address whose owner changes needs an election: a node that goes away and did
      // not own it, or that comes back below its owner, changes nothing else.
      if (!this.#dirtyElect.has(e.ip) && electOwner(ranking, this.#isUp) !== e.owner)
        this.#dirtyElect.add(e.ip);
    }
  }

  #evaluate(ip: string): void {
    const e = this.#entries.get(ip);
    if (!e) return;
    const services: ServiceView[] = [];
    for (const key of e.services) services.push(this.#services.get(key)!);
    if (services.length === 0) {
      this.#drop(e);
      return;
    }
    const key = electionKey(this.#component([ip]));
    const sameKey = key === e.key;
    e.key = key;
    e.pool = this.#config.poolOf(e.address)?.name;
    const ctx: AddressContext = {
      self: this.self,
      config: this.#config,
      selfNode: this.#nodes.get(this.self),
      address: e.address,
      pool: e.pool,
      services,
      endpoints: services.map((s) => this.#endpoints.get(s.key)),
    };
    const l2 = evaluateL2(ctx);
    e.matches = l2.matches;
    e.ranking = rankNodes(key, l2.candidates, sameKey ? e.ranking : undefined);
    e.interfaces = l2.interfaces;
    e.selfReason = l2.selfReason;

    const bgp = evaluateBgp(ctx);
    this.#rib.replace(ip, e.routes, bgp.routes);
    e.routes = bgp.routes;
    e.bgpReason = bgp.reason;
    const after: Announced | undefined =
      bgp.routes.length > 0
        ? { services: [...e.services].sort(), peers: [...new Set(bgp.routes.map((r) => r.peer))].sort() }
        : undefined;
    if (!sameAnnounced(e.bgpAnnounced, after))
      this.#changes.push({ ip, protocol: 'bgp', before: e.bgpAnnounced, after, reason: bgp.reason });
    e.bgpAnnounced = after;
    this.#elect(e);
  }

  #drop(e: Entry): void {
    const was = this.#l2Owned.get(e.ip);
    if (was) {
      this.#l2Owned.delete(e.ip);
      this.#l2Changed = true;
      this.#changes.push({
        ip: e.ip,
        protocol: 'layer2',
        before: was,
        after: undefined,
        reason: 'serviceDeleted',
      });
    }
    if (e.routes.length > 0) this.#rib.replace(e.ip, e.routes, []);
    if (e.bgpAnnounced)
      this.#changes.push({
        ip: e.ip,
        protocol: 'bgp',
        before: e.bgpAnnounced,
        after: undefined,
        reason: 'serviceDeleted',
      });
    this.#setOwner(e, undefined);
    this.#blocked.delete(e.ip);
    this.#entries.delete(e.ip);
  }

  #setOwner(e: Entry, owner: string | undefined): void {
    if (owner === e.owner) return;
    if (e.owner !== undefined) {
      const set = this.#ownerIndex.get(e.owner);
      set?.delete(e.ip);
      if (set?.size === 0) this.#ownerIndex.delete(e.owner);
    }
    if (owner !== undefined) {
      let set = this.#ownerIndex.get(owner);
      if (!set) this.#ownerIndex.set(owner, (set = new Set()));
      set.add(e.ip);
    }
    e.owner = owner;
  }

  #elect(e: Entry): void {
    const previous = e.owner;
    const owner = electOwner(e.ranking, this.#isUp);
    this.#setOwner(e, owner);
    const was = this.#l2Owned.get(e.ip);
    let own = false;
    let reason: L2Reason;
    if (owner === this.self) {
      if (this.#yielded.has(e.ip)) reason = ElectionOutcome.yielded;
      else if (was) {
        own = true;
        reason = ElectionOutcome.owner;
      } else if (this.#gate !== undefined) {
        reason = this.#gate;
        this.#blocked.add(e.ip);
      } else {
        own = true;
        reason = ElectionOutcome.owner;
      }
    } else {
      reason = e.selfReason ?? ElectionOutcome.notOwner;
    }
    if (own || owner !== this.self) this.#blocked.delete(e.ip);
    e.l2Reason = reason;
    const after: Announced | undefined = own
      ? { services: [...e.services].sort(), interfaces: e.interfaces }
      : undefined;
    if (!sameAnnounced(was, after)) {
      this.#l2Changed = true;
      const from = !was && own && previous !== undefined && previous !== this.self ? previous : undefined;
      this.#changes.push({
        ip: e.ip,
        protocol: 'layer2',
        before: was,
        after,
        reason,
        ...(from !== undefined ? { from } : {}),
      });
      if (!was && own && e.fresh) this.#unclaimed.push(e.ip);
      if (after) this.#l2Owned.set(e.ip, after);
      else this.#l2Owned.delete(e.ip);
    }
    if (owner !== undefined && (owner !== this.self || own)) e.fresh = false;
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

function sameAnnounced(a: Announced | undefined, b: Announced | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    sameList(a.services, b.services) && sameList(a.interfaces, b.interfaces) && sameList(a.peers, b.peers)
  );
}

function sameService(a: ServiceView, b: ServiceView): boolean {
  if (a.externalTrafficPolicy !== b.externalTrafficPolicy || !sameList(a.ips, b.ips)) return false;
  const ka = Object.keys(a.labels);
  return ka.length === Object.keys(b.labels).length && ka.every((k) => a.labels[k] === b.labels[k]);
}
