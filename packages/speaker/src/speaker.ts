// The speaker: feeds the planner from the API (Services, EndpointSlices, Nodes, configuration,
// SpeakerStatus objects) and the failure detector, and applies each plan through the ports:
// layer-2 ownership to the announcer, routes to the BGP sessions, Events to Services, its
// SpeakerStatus, metrics. Changes that arrive together are planned together (one batch per
// event-loop turn). No I/O of its own: every effect goes through an injected port.
//
//   informers ──> serviceChanged / sliceChanged / nodeChanged / configChanged / speakersChanged
//   membership ─> memberChanged / quorumChanged            ──> Planner (marks addresses)
//   announcer ──> conflict                                           │ plan() once per turn
//                                                                    v
//        L2Port.setOwned(all)   BgpPort.setPeers / setAdvertisements(peer, all)
//        EventRecorder (ownership changes only)   StatusPublisher (on change, rate-limited)
import type { SpeakerConfig } from '@ironlb/config';
import type { Clock, EventRecorder, Timer } from '@ironlb/kube';
import type { Logger } from 'pino';
import { eventsForChange, ServiceEventReason } from './announcement-events.js';
import { resolveConflict } from './conflict.js';
import {
  toNodeView,
  toServiceView,
  toSliceView,
  type EndpointSliceObject,
  type NodeObject,
  type ServiceFilter,
  type ServiceObject,
} from './kube-objects.js';
import type { SpeakerMetrics } from './metrics.js';
import type { AnnouncementChange, PlanDelta } from './planner.js';
import { Planner } from './planner.js';
import type { BgpPort, L2Port, MemberSpec, MembershipPort, StatusPort } from './ports.js';
import { buildSpeakerStatus, StatusPublisher } from './speaker-status.js';
import type { Condition } from '@ironlb/kube';

/** A member's state as the failure detector reports it. */
export type MemberState = 'unknown' | 'alive' | 'suspect' | 'dead' | 'left';

/** What the speaker learns from one SpeakerStatus object. */
export interface SpeakerRecord {
  readonly node: string;
  readonly memberAddress?: string;
  readonly memberPort?: number;
  readonly hardwareAddresses: readonly string[];
  /** Its status says Ready (it has settled, in this run or in a previous one). */
  readonly ready?: boolean;
}

export interface SpeakerOptions {
  /** This node's name. */
  readonly node: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly l2: L2Port;
  readonly bgp: BgpPort;
  readonly membership: MembershipPort;
  readonly events: EventRecorder;
  readonly status: StatusPort;
  readonly metrics?: SpeakerMetrics;
  readonly serviceFilter: ServiceFilter;
  /** See `PlannerOptions.quorumPolicy`. */
  readonly quorumPolicy?: 'hold' | 'ignore';
  /**
   * After start, how long to wait at most for the failure detector to hear from every speaker
   * before claiming layer-2 addresses (claims start as soon as all are heard from). Default 2 s.
   */
  readonly settleMs?: number;
  /** How long to stand back from an address a higher-ranked speaker answers for. Default 30 s. */
  readonly yieldMs?: number;
  /** Least time between two re-announcements of every owned address. Default 2 s. */
  readonly reannounceMs?: number;
  /** Wait before re-announcing after a partition healed. Default 250 ms. */
  readonly reannounceDelayMs?: number;
  /** Least time between two SpeakerStatus writes. Default 2 s. */
  readonly statusIntervalMs?: number;
  /**
   * `protocol|ip` announced by this node's previous run (from its SpeakerStatus): announcing
   * them again after a restart records no Event.
   */
  readonly previouslyAnnounced?: Iterable<string>;
  readonly previousConditions?: readonly Condition[];
}

interface MemberInfo {
  state: MemberState;
  since: number;
}

export class Speaker {
  readonly node: string;
  readonly planner: Planner;
  readonly #o: SpeakerOptions;
  readonly #log: Logger;
  readonly #publisher: StatusPublisher;
  readonly #services = new Map<string, ServiceObject>();
  readonly #nodes = new Map<string, NodeObject>();
  readonly #speakers = new Map<string, SpeakerRecord>();
  readonly #members = new Map<string, MemberInfo>();
  readonly #macOwners = new Map<string, string>();
  /** Speakers that went down, by detector time, waiting for a quorum confirmation. */
  readonly #pendingDown = new Map<string, number>();
  /** Addresses this node stands back from: to whom, until when. */
  readonly #yieldTimers = new Map<string, { to: string; timer: Timer }>();
  readonly #previouslyAnnounced: Set<string>;
  #memberList: MemberSpec[] = [];
  #quorum = { has: true, reachable: 1, total: 1 };
  #synced = false;
  #membershipRunning = false;
  #settled = false;
  #settleTimer: Timer | undefined;
  #scheduled: Timer | undefined;
  #firstApply = true;
  #peersKey = '';
  #conditions: readonly Condition[] | undefined;
  #closed = false;
  #lastReannounce = -Infinity;
  #reannounceTimer: Timer | undefined;

  constructor(options: SpeakerOptions) {
    this.#o = options;
    this.node = options.node;
    this.#log = options.logger.child({ component: 'speaker', node: options.node });
    this.planner = new Planner({ self: options.node, quorumPolicy: options.quorumPolicy ?? 'hold' });
    this.planner.setClaimGate('settling');
    this.#previouslyAnnounced = new Set(options.previouslyAnnounced ?? []);
    this.#conditions = options.previousConditions;
    this.#publisher = new StatusPublisher({
      write: async (status) => {
        this.#conditions = status.conditions as Condition[] | undefined;
        await options.status.write(status);
        options.metrics?.statusWrites.inc({ outcome: 'written' });
      },
      clock: options.clock,
      minIntervalMs: options.statusIntervalMs ?? 2000,
      onError: (err) => {
        options.metrics?.statusWrites.inc({ outcome: 'failed' });
        this.#log.warn({ event: 'statusWriteFailed', err });
      },
    });
  }

  // ---- inputs from the API ---------------------------------------------------------------

  serviceChanged(obj: ServiceObject): void {
    const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    this.#services.set(key, obj);
    const view = toServiceView(obj, this.#o.serviceFilter);
    if (view) this.planner.upsertService(view);
    else this.planner.deleteService(key);
    this.#schedule();
  }

  serviceDeleted(obj: ServiceObject): void {
    const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    this.#services.delete(key);
    this.planner.deleteService(key);
    this.#schedule();
  }

  sliceChanged(obj: EndpointSliceObject): void {
    const view = toSliceView(obj);
    if (view) this.planner.upsertSlice(view);
    this.#schedule();
  }

  sliceDeleted(obj: EndpointSliceObject): void {
    this.planner.deleteSlice(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
    this.#schedule();
  }

  nodeChanged(obj: NodeObject): void {
    const view = toNodeView(obj);
    if (!view) return;
    this.#nodes.set(view.name, obj);
    this.planner.upsertNode(view);
    this.#updateMemberList();
    this.#checkSettled();
    this.#schedule();
  }

  nodeDeleted(obj: NodeObject): void {
    const name = obj.metadata?.name;
    if (!name) return;
    this.#nodes.delete(name);
    this.planner.deleteNode(name);
    this.#updateMemberList();
    this.#checkSettled();
    this.#schedule();
  }

  configChanged(config: SpeakerConfig): void {
    this.planner.setConfig(config);
    this.#checkSettled();
    this.#schedule();
  }

  /** The SpeakerStatus objects: who runs a speaker, where it listens, its MACs. */
  speakersChanged(records: Iterable<SpeakerRecord>): void {
    this.#speakers.clear();
    this.#macOwners.clear();
    for (const r of records) {
      this.#speakers.set(r.node, r);
      for (const mac of r.hardwareAddresses) this.#macOwners.set(mac.toLowerCase(), r.node);
    }
    this.#updateMemberList();
    this.#checkSettled();
    this.#schedule();
  }

  /** Every informer has listed: plan and apply for the first time. */
  synced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.planner.markSynced();
    this.#startSettling();
    this.#schedule();
  }

  /**
   * The failure detector runs (it needs the key from its Secret). Until it does, and until it
   * has heard from every speaker (or `settleMs` passed), no layer-2 address is claimed: a
   * speaker that cannot see the others would otherwise claim them all. While no other speaker
   * is Ready (a cluster starting), "every speaker" includes the nodes that may own layer-2
   * addresses but have no SpeakerStatus yet: the first speaker up would otherwise see itself
   * alone, claim everything, and hand each address over again as the others appear. Once a
   * speaker is Ready, such nodes are late: a newcomer does not wait for them (the Ready ones
   * let go of its addresses as soon as they hear it, so waiting would leave them unowned).
   */
  membershipStarted(): void {
    if (this.#membershipRunning) return;
    this.#membershipRunning = true;
    this.#startSettling();
  }

  #startSettling(): void {
    if (!this.#synced || !this.#membershipRunning || this.#settleTimer || this.#settled) return;
    this.#settleTimer = this.#o.clock.setTimer(this.#o.settleMs ?? 2000, () => {
      this.#settleTimer = undefined;
      if (!this.#settled) {
        const { silent, withoutSpeaker } = this.#awaited();
        this.#log.warn({ event: 'settleTimeout', silent, withoutSpeaker });
        this.#settle();
      }
    });
    this.#checkSettled();
  }

  /**
   * What this node's previous run announced (`protocol|ip`, from its SpeakerStatus): announcing
   * it again after a restart records no Event. Also its conditions, so that their transition
   * times carry over.
   */
  setPreviouslyAnnounced(announced: Iterable<string>, conditions?: readonly Condition[]): void {
    for (const a of announced) this.#previouslyAnnounced.add(a);
    if (conditions) this.#conditions = conditions;
  }

  // ---- inputs from the failure detector and the announcer --------------------------------

  /**
   * Another speaker's state changed. `at` is the detector's (monotonic) time of the change,
   * compared with `quorumConfirmed`; `wallTime` goes into the status.
   *
   * A speaker that goes down (dead, left) at time t keeps its addresses in the plan until a
   * quorum confirmation round started at or after t was answered by a majority
   * (docs/failure-detection.md, "Split brain and the quorum signal"): a speaker cut off on the
   * minority side never gets that confirmation, so it never takes over. With the `ignore`
   * quorum policy, takeovers happen at once.
   */
  memberChanged(name: string, state: MemberState, at: number, wallTime: number = this.#o.clock.now()): void {
    if (name === this.node) return;
    const old = this.#members.get(name);
    if (old?.state === state) return;
    this.#members.set(name, { state, since: wallTime });
    this.#o.metrics?.memberChanges.inc({ to: state });
    const up = state === 'alive' || state === 'suspect';
    // A speaker that comes back from dead or left may have thought this one dead, and taken its
    // addresses meanwhile: pull the neighbours back.
    if (up && (old?.state === 'dead' || old?.state === 'left')) this.#reannounce(`${name} back`);
    // Addresses this node stood back from for that speaker are free again once it is down.
    if (!up) this.#endYields(name);
    if (up || state === 'unknown' || (this.#o.quorumPolicy ?? 'hold') === 'ignore') {
      this.#pendingDown.delete(name);
      this.planner.setMemberUp(name, up);
    } else if (this.planner.isMemberUp(name)) {
      this.#pendingDown.set(name, at);
      this.#log.debug({ event: 'takeoverPending', member: name, state });
    }
    this.#checkSettled();
    this.#schedule();
  }

  /** A quorum confirmation round started at `startedAt` (detector time) reached a majority. */
  quorumConfirmed(startedAt: number): void {
    for (const [name, at] of this.#pendingDown)
      if (at <= startedAt) {
        this.#pendingDown.delete(name);
        this.planner.setMemberUp(name, false);
      }
    this.#schedule();
  }

  quorumChanged(quorum: { hasQuorum: boolean; reachable: number; total: number }): void {
    if (quorum.hasQuorum && !this.#quorum.has) this.#reannounce('quorum regained');
    this.#quorum = { has: quorum.hasQuorum, reachable: quorum.reachable, total: quorum.total };
    this.#o.metrics?.quorum.set(quorum.hasQuorum ? 1 : 0);
    this.#updateGate();
    this.#schedule();
  }

  /** The announcer saw `mac` answer for `ip`, which this node announces or probes. */
  conflict(ip: string, mac: string, outcome: 'notClaimed' | 'defended'): void {
    const services = this.planner.decision(ip)?.services ?? [];
    const r = resolveConflict(ip, mac, {
      self: this.node,
      macOwners: this.#macOwners,
      compareRank: (a, other) => this.planner.compareRank(a, other),
    });
    let message: string;
    let resolution: string;
    if (r.action === 'yield') {
      resolution = 'yielded';
      const ms = this.#o.yieldMs ?? 30_000;
      message = `node=${this.node} ip=${ip}: node ${r.to} (MAC ${mac}) also answers and ranks higher; standing back for ${ms / 1000}s`;
      this.planner.setYielded(ip, true);
      this.#yieldTimers.get(ip)?.timer.cancel();
      this.#yieldTimers.set(ip, {
        to: r.to,
        timer: this.#o.clock.setTimer(ms, () => {
          this.#yieldTimers.delete(ip);
          this.planner.setYielded(ip, false);
          this.#schedule();
        }),
      });
      this.#schedule();
    } else {
      resolution = outcome === 'notClaimed' ? 'notClaimed' : 'defended';
      const who = r.other !== undefined ? `node ${r.other}` : 'a host that runs no speaker';
      message =
        outcome === 'notClaimed'
          ? `node=${this.node} ip=${ip}: ${who} (MAC ${mac}) uses the address; not claimed, probing again later`
          : `node=${this.node} ip=${ip}: ${who} (MAC ${mac}) also answers; this node keeps the address (${r.why})`;
    }
    this.#o.metrics?.conflicts.inc({ resolution });
    this.#log.warn({
      event: 'ipConflict',
      ip,
      mac,
      resolution,
      other: r.action === 'yield' ? r.to : r.other,
    });
    for (const key of services) this.#recordEvent(key, 'Warning', ServiceEventReason.IPConflict, message);
  }

  /** A BGP or BFD session changed state: refresh the status. */
  sessionsChanged(): void {
    // A plan due in this turn offers the status itself, consistent with the member states.
    if (!this.#scheduled) this.#offerStatus();
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Plans and applies now (tests; normally batched per event-loop turn). */
  flush(): PlanDelta | undefined {
    this.#scheduled?.cancel();
    this.#scheduled = undefined;
    return this.#apply();
  }

  close(): void {
    this.#closed = true;
    this.#scheduled?.cancel();
    this.#settleTimer?.cancel();
    this.#reannounceTimer?.cancel();
    for (const y of this.#yieldTimers.values()) y.timer.cancel();
    this.#publisher.close();
  }

  get settled(): boolean {
    return this.#settled;
  }

  get isSynced(): boolean {
    return this.#synced;
  }

  /** Current member states (other speakers), for status and tests. */
  members(): ReadonlyMap<string, MemberInfo> {
    return this.#members;
  }

  // ---- internals ---------------------------------------------------------------------------

  #endYields(to: string): void {
    for (const [ip, y] of this.#yieldTimers) {
      if (y.to !== to) continue;
      y.timer.cancel();
      this.#yieldTimers.delete(ip);
      this.planner.setYielded(ip, false);
    }
  }

  /**
   * Gratuitous rounds again for every owned layer-2 address, `reannounceDelayMs` after the
   * request (so that a node that took an address over while this one was cut off hears that
   * this one is back, and lets go, first: otherwise its last takeover rounds could pull the
   * neighbours back to it), and at most once per `reannounceMs`.
   */
  #reannounce(why: string): void {
    if (!this.#settled || this.#closed || this.#reannounceTimer) return;
    const every = this.#o.reannounceMs ?? 2000;
    const now = this.#o.clock.now();
    const at = Math.max(now + (this.#o.reannounceDelayMs ?? 250), this.#lastReannounce + every);
    this.#reannounceTimer = this.#o.clock.setTimer(at - now, () => {
      this.#reannounceTimer = undefined;
      this.#lastReannounce = this.#o.clock.now();
      const owned = this.planner.l2Announced().size;
      if (owned === 0 || this.#closed) return;
      this.#log.info({ event: 'reannounce', reason: why, addresses: owned });
      this.#o.l2.reannounce();
    });
  }

  #stateOf(name: string): MemberState {
    return this.#members.get(name)?.state ?? 'unknown';
  }

  #updateMemberList(): void {
    const list: MemberSpec[] = [];
    for (const r of this.#speakers.values()) {
      if (!this.#nodes.has(r.node) || r.memberAddress === undefined) continue;
      list.push({
        name: r.node,
        address: r.memberAddress,
        ...(r.memberPort !== undefined ? { port: r.memberPort } : {}),
      });
    }
    list.sort((a, b) => (a.name < b.name ? -1 : 1));
    const same =
      list.length === this.#memberList.length &&
      list.every((m, i) => {
        const o = this.#memberList[i]!;
        return o.name === m.name && o.address === m.address && o.port === m.port;
      });
    if (same) return;
    this.#memberList = list;
    const names = new Set(list.map((m) => m.name));
    // Nodes without a speaker (or gone) are not up: they cannot announce.
    for (const name of [...this.#members.keys()])
      if (!names.has(name)) {
        this.#members.delete(name);
        this.#pendingDown.delete(name);
        this.planner.setMemberUp(name, false);
      }
    this.#o.membership.setMembers(list);
    this.#checkSettled();
  }

  #checkSettled(): void {
    if (this.#settled || !this.#synced || !this.#membershipRunning) return;
    const { silent, withoutSpeaker } = this.#awaited();
    if (silent.length === 0 && withoutSpeaker.length === 0) this.#settle();
  }

  /**
   * What settling still waits for: speakers never heard from (`silent`), and, while no other
   * speaker is Ready, nodes that may own layer-2 addresses but published no SpeakerStatus yet
   * (`withoutSpeaker`).
   */
  #awaited(): { silent: string[]; withoutSpeaker: string[] } {
    const silent: string[] = [];
    const published = new Set<string>();
    for (const m of this.#memberList) {
      published.add(m.name);
      if (m.name !== this.node && this.#stateOf(m.name) === 'unknown') silent.push(m.name);
    }
    let starting = true;
    for (const r of this.#speakers.values()) if (r.node !== this.node && r.ready) starting = false;
    const withoutSpeaker = starting
      ? [...this.planner.l2Nodes()].filter((n) => n !== this.node && !published.has(n)).sort()
      : [];
    return { silent, withoutSpeaker };
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settleTimer?.cancel();
    this.#settleTimer = undefined;
    this.#log.info({ event: 'settled', members: this.#memberList.length });
    this.#updateGate();
    this.#schedule();
  }

  #updateGate(): void {
    this.planner.setClaimGate(!this.#settled ? 'settling' : this.#quorum.has ? undefined : 'noQuorum');
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed || !this.#synced) return;
    this.#scheduled = this.#o.clock.setTimer(0, () => {
      this.#scheduled = undefined;
      this.#apply();
    });
  }

  #apply(): PlanDelta | undefined {
    if (!this.#synced || this.#closed) return undefined;
    const started = performance.now();
    const delta = this.planner.plan();
    const first = this.#firstApply;
    this.#firstApply = false;
    if (delta.l2Changed || first) this.#o.l2.setOwned(this.planner.l2Owned(), { unclaimed: delta.unclaimed });
    const peersChanged = this.#applyPeers();
    const peers = first || peersChanged ? [...this.planner.activePeers()] : delta.bgpPeersChanged;
    for (const peer of peers) {
      if (!this.planner.activePeers().has(peer)) continue;
      this.#o.bgp.setAdvertisements(peer, this.planner.bgpAdvertisements(peer));
      this.#o.metrics?.bgpPrefixes.set({ peer }, this.planner.bgpPrefixCount(peer));
    }
    for (const change of delta.changes) this.#report(change);
    const m = this.#o.metrics;
    if (m) {
      m.planDuration.observe((performance.now() - started) / 1000);
      m.plannedAddresses.inc({ kind: 'evaluated' }, delta.evaluated);
      m.plannedAddresses.inc({ kind: 'elected' }, delta.elected - delta.evaluated);
      m.announced.set({ protocol: 'layer2' }, this.planner.l2Announced().size);
      let bgp = 0;
      for (const _ of this.planner.bgpAnnounced()) bgp++;
      m.announced.set({ protocol: 'bgp' }, bgp);
    }
    if (delta.changes.length > 0)
      this.#log.debug({
        event: 'planned',
        changes: delta.changes.length,
        evaluated: delta.evaluated,
        elected: delta.elected,
        ms: Math.round((performance.now() - started) * 1000) / 1000,
      });
    this.#offerStatus();
    return delta;
  }

  /** Gives the BGP port the peers selecting this node, when they changed. */
  #applyPeers(): boolean {
    const config = this.planner.config;
    const active = this.planner.activePeers();
    const specs = config.bgpPeers
      .filter((p) => active.has(p.name))
      .map((peer) => {
        const bfd = peer.bfdProfile ? config.bfdProfiles.find((b) => b.name === peer.bfdProfile) : undefined;
        return bfd ? { peer, bfd } : { peer };
      });
    const addresses = this.planner.node(this.node)?.addresses ?? {};
    const key = JSON.stringify([specs, addresses]);
    if (key === this.#peersKey) return false;
    this.#peersKey = key;
    this.#o.bgp.setPeers(specs, addresses);
    return true;
  }

  #report(change: AnnouncementChange): void {
    const m = this.#o.metrics;
    const gained = !change.before && change.after;
    const lost = change.before && !change.after;
    if (gained || lost) {
      m?.ownershipChanges.inc({ protocol: change.protocol, change: gained ? 'gained' : 'lost' });
      this.#log.info({
        event: gained ? 'announced' : 'withdrawn',
        ip: change.ip,
        protocol: change.protocol,
        reason: change.reason,
        ...(change.from ? { from: change.from } : {}),
        ...(change.after?.interfaces ? { interfaces: change.after.interfaces } : {}),
        ...(change.after?.peers ? { peers: change.after.peers } : {}),
      });
    }
    if (gained && change.from !== undefined) m?.failovers.inc();
    const previous = `${change.protocol}|${change.ip}`;
    const suppress = gained && this.#previouslyAnnounced.delete(previous);
    if (lost) this.#previouslyAnnounced.delete(previous);
    if (suppress) return;
    for (const e of eventsForChange(change, this.node))
      this.#recordEvent(e.service, e.type, e.reason, e.message);
  }

  #recordEvent(serviceKey: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const obj = this.#services.get(serviceKey);
    if (!obj?.metadata?.name) return;
    this.#o.events.record(
      {
        apiVersion: 'v1',
        kind: 'Service',
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
      },
      { type, reason, message, action: reason === ServiceEventReason.Withdrawn ? 'Withdraw' : 'Announce' },
    );
  }

  #offerStatus(): void {
    if (!this.#synced || this.#closed) return;
    const now = this.#o.clock.now();
    const members = this.#memberList.map((spec) => {
      const info =
        spec.name === this.node ? { state: 'alive' as const, since: now } : this.#members.get(spec.name);
      const state = info?.state ?? 'unknown';
      return {
        node: spec.name,
        address: spec.address,
        state: (state.charAt(0).toUpperCase() + state.slice(1)) as
          'Unknown' | 'Alive' | 'Suspect' | 'Dead' | 'Left',
        ...(info && spec.name !== this.node
          ? { lastTransitionTime: new Date(info.since).toISOString().replace(/\.\d{3}Z$/, 'Z') }
          : {}),
      };
    });
    const ready = !this.#settled
      ? {
          status: false,
          reason: 'Settling',
          message: 'waiting to hear from every speaker before claiming addresses',
        }
      : { status: true, reason: 'Announcing', message: 'planning and announcing' };
    this.#publisher.offer(
      buildSpeakerStatus({
        planner: this.planner,
        sessions: this.#o.bgp.sessions(),
        members,
        ready,
        quorum: this.#quorum,
        previousConditions: this.#conditions,
        now,
      }),
    );
  }
}
