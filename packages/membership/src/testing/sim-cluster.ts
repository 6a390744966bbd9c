import { encodeWith, decodeWith } from '@ironlb/wire';
import { type Detector as DetectorType, Detector } from '../core/detector.js';
import type { DetectorAction } from '../core/detector.js';
import type { Message } from '../core/codec/packet.js';
import { datagramLength, packetCodec } from '../core/codec/packet.js';
import type { DetectorSettings } from '../core/settings.js';
import type { MemberChange, MemberStatus, Quorum } from '../core/view.js';
import type { Random } from '../core/random.js';
import type { QuorumRoundResult } from '../core/quorum-rounds.js';
import { EventHeap } from './event-heap.js';
import { seededRandom } from './seeded-random.js';

/** IPv4 + UDP headers, added to each datagram in the traffic figures. */
const IP_UDP_OVERHEAD = 28;

export interface SimOptions {
  seed: number;
  settings?: Partial<DetectorSettings>;
  /** Probability that any datagram is lost (default 0). */
  loss?: number;
  /** One-way delay: base plus uniform jitter, in ms (default 0.2 + [0, 0.3)). */
  delay?: { baseMs: number; jitterMs: number };
  /** Timers fire late by up to this many ms (uniform), like a busy event loop (default 1). */
  timerLatenessMs?: number;
  /** Encode and decode every message through the real codec (default true). */
  checkCodec?: boolean;
  /** Simulated time at which the cluster starts (default 0). */
  startAt?: number;
  /** Called for every datagram sent, for debugging a scenario. */
  trace?: (event: { at: number; from: string; to: string; message: Message; lost: boolean }) => void;
}

export interface SimNode {
  readonly name: string;
  detector: DetectorType;
  up: boolean;
  /** Inputs are held until this time (a stalled process). */
  pausedUntil: number;
  /** Every status change this node reported, in order, with its quorum once the input was handled. */
  readonly changes: Array<MemberChange & { hasQuorum: boolean }>;
  readonly quorumChanges: Array<{ at: number; quorum: Quorum }>;
  readonly refutations: Array<{ at: number; claim: string; source: string }>;
  readonly quorumRounds: QuorumRoundResult[];
  sent: { messages: number; bytes: number };
  received: { messages: number; bytes: number };
  /** Pending wake-up time in the event queue, if any. */
  wakeAt: number | undefined;
}

type SimEvent =
  | { kind: 'deliver'; to: string; message: Message; bytes: number }
  | { kind: 'wake'; node: string }
  | { kind: 'call'; fn: () => void };

/**
 * A discrete-event simulation of a cluster of pure detectors on a lossy network, with a manual
 * clock: loss (global and per directed link), delay with jitter, partitions, asymmetric links,
 * crashes, stalls, restarts and clean leaves. Each node's member list is the full set of names,
 * as the speaker would get it from the API. Everything is reproducible from the seed.
 */
export class SimCluster {
  readonly nodes = new Map<string, SimNode>();
  readonly names: string[];
  now: number;
  readonly #options: SimOptions;
  readonly #random: Random;
  readonly #events = new EventHeap<SimEvent>();
  readonly #linkLoss = new Map<string, number>();
  #group = new Map<string, number>();
  #restarts = 0;
  /** Datagrams dropped by the network model. */
  lost = 0;

  constructor(names: string[], options: SimOptions) {
    this.names = [...names];
    this.#options = options;
    this.#random = seededRandom(options.seed);
    this.now = options.startAt ?? 0;
    for (const name of names) {
      this.nodes.set(name, {
        name,
        detector: this.#newDetector(name),
        up: true,
        pausedUntil: -Infinity,
        changes: [],
        quorumChanges: [],
        refutations: [],
        quorumRounds: [],
        sent: { messages: 0, bytes: 0 },
        received: { messages: 0, bytes: 0 },
        wakeAt: undefined,
      });
    }
  }

  /** Gives every node the full member list and starts it. */
  startAll(): void {
    for (const node of this.nodes.values()) this.#startNode(node);
  }

  node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Runs the simulation until `until` (absolute simulated ms). */
  runUntil(until: number): void {
    for (;;) {
      const at = this.#events.peekTime();
      if (at === undefined || at > until) break;
      const { value } = this.#events.pop()!;
      this.now = Math.max(this.now, at);
      this.#handle(value);
    }
    this.now = Math.max(this.now, until);
  }

  runFor(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /** Runs a function at a simulated time (for faults in the middle of a run). */
  at(time: number, fn: () => void): void {
    this.#events.push(time, { kind: 'call', fn });
  }

  /** The process dies: no more sends, ticks or receives, no goodbye. */
  crash(name: string): void {
    this.node(name).up = false;
  }

  /** The process stops processing for `ms` (GC pause, CPU starvation); inputs queue up. */
  stall(name: string, ms: number): void {
    this.node(name).pausedUntil = this.now + ms;
  }

  /** A new process for `name`, with a fresh detector and a newer incarnation. */
  restart(name: string): void {
    const node = this.node(name);
    node.detector = this.#newDetector(name);
    node.up = true;
    node.pausedUntil = -Infinity;
    node.wakeAt = undefined;
    this.#startNode(node);
  }

  /** Clean shutdown: the leave messages go out, then the process stops. */
  leave(name: string): void {
    const node = this.node(name);
    this.#perform(node, node.detector.leave(this.now));
    node.up = false;
  }

  /** Splits the network: datagrams between different groups are dropped. */
  partition(groups: string[][]): void {
    this.#group = new Map();
    groups.forEach((g, i) => g.forEach((n) => this.#group.set(n, i)));
  }

  heal(): void {
    this.#group = new Map();
  }

  /** Loss probability on the directed link from -> to (1 cuts it; undefined restores default). */
  setLinkLoss(from: string, to: string, loss: number | undefined): void {
    if (loss === undefined) this.#linkLoss.delete(`${from}>${to}`);
    else this.#linkLoss.set(`${from}>${to}`, loss);
  }

  /** Status of `member` as `observer` sees it now. */
  statusAt(observer: string, member: string): MemberStatus | undefined {
    return this.node(observer).detector.status(member);
  }

  /** First time `observer` reported `member` in `status` at or after `since`. */
  firstChange(observer: string, member: string, status: MemberStatus, since = -Infinity): number | undefined {
    return this.node(observer).changes.find((c) => c.member === member && c.to === status && c.at >= since)
      ?.at;
  }

  /** All changes to one of `statuses` seen anywhere, for assertions on false positives. */
  changesTo(statuses: MemberStatus[]): Array<MemberChange & { observer: string; hasQuorum: boolean }> {
    const out: Array<MemberChange & { observer: string; hasQuorum: boolean }> = [];
    for (const node of this.nodes.values())
      for (const c of node.changes)
        if ((statuses as string[]).includes(c.to)) out.push({ ...c, observer: node.name });
    return out;
  }

  #newDetector(name: string): DetectorType {
    const seed = Math.floor(this.#random() * 2 ** 32);
    return new Detector({
      self: name,
      // Like the node layer: start time in ms (here simulated), plus restarts so it always grows.
      incarnation: 1_700_000_000_000 + Math.floor(this.now) + this.#restarts++,
      settings: this.#options.settings,
      random: seededRandom(seed),
    });
  }

  #startNode(node: SimNode): void {
    this.#perform(node, node.detector.setMembers(this.names, this.now));
    this.#perform(node, node.detector.start(this.now));
  }

  #handle(event: SimEvent): void {
    if (event.kind === 'call') {
      event.fn();
      return;
    }
    const node = this.nodes.get(event.kind === 'deliver' ? event.to : event.node)!;
    if (!node.up) return;
    if (node.pausedUntil > this.now) {
      this.#events.push(node.pausedUntil, event);
      return;
    }
    if (event.kind === 'wake') {
      if (node.wakeAt === undefined || node.wakeAt > this.now) return;
      node.wakeAt = undefined;
      this.#perform(node, node.detector.tick(this.now));
      return;
    }
    node.received.messages += 1;
    node.received.bytes += event.bytes;
    this.#perform(node, node.detector.receive(event.message, this.now));
  }

  #perform(node: SimNode, actions: DetectorAction[]): void {
    const hasQuorum = node.detector.quorum().hasQuorum;
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.#transmit(node, action.to, action.message);
          break;
        case 'memberChanged':
          node.changes.push({ ...action.change, hasQuorum });
          break;
        case 'quorumChanged':
          node.quorumChanges.push({ at: action.at, quorum: action.quorum });
          break;
        case 'refuted':
          node.refutations.push({ at: action.at, claim: action.claim, source: action.source });
          break;
        case 'quorumChecked':
          node.quorumRounds.push(action.result);
          break;
      }
    }
    this.#schedule(node);
  }

  #schedule(node: SimNode): void {
    if (!node.up) return;
    const d = node.detector.nextDeadline();
    if (d === undefined) return;
    const lateness = (this.#options.timerLatenessMs ?? 1) * this.#random();
    const at = Math.max(d, this.now) + lateness;
    if (node.wakeAt !== undefined && node.wakeAt <= at) return;
    node.wakeAt = at;
    this.#events.push(at, { kind: 'wake', node: node.name });
  }

  #transmit(from: SimNode, to: string, message: Message): void {
    let msg = message;
    if (this.#options.checkCodec ?? true) {
      const header = { keyId: 1, epoch: 1, seq: 1, timestamp: 1 };
      msg = decodeWith(packetCodec, encodeWith(packetCodec, { header, message })).message;
    }
    const bytes = datagramLength(message) + IP_UDP_OVERHEAD;
    from.sent.messages += 1;
    from.sent.bytes += bytes;
    const groupFrom = this.#group.get(from.name);
    const groupTo = this.#group.get(to);
    const loss = this.#linkLoss.get(`${from.name}>${to}`) ?? this.#options.loss ?? 0;
    const lost =
      (groupFrom !== undefined && groupTo !== undefined && groupFrom !== groupTo) ||
      (loss > 0 && this.#random() < loss);
    this.#options.trace?.({ at: this.now, from: from.name, to, message, lost });
    if (lost) {
      this.lost += 1;
      return;
    }
    const delay = this.#options.delay ?? { baseMs: 0.2, jitterMs: 0.3 };
    this.#events.push(this.now + delay.baseMs + delay.jitterMs * this.#random(), {
      kind: 'deliver',
      to,
      message: msg,
      bytes,
    });
  }
}
