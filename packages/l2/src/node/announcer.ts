import type { Logger } from 'pino';
import { IPAddress } from '@ironlb/netaddr';
import { IronLbError } from '@ironlb/wire';
import { resolveAnnounceSchedule, type AnnounceSchedule } from '../core/announce-schedule.js';
import {
  advance,
  applyClaims,
  emptyAnnouncerState,
  nextWake,
  phaseOf,
  reannounce,
  reportConflict,
  type AnnouncerAction,
  type AnnouncerEvent,
  type AnnouncerState,
  type Claim,
  type EntryPhase,
  type Step,
} from '../core/announcer-state.js';
import {
  arpProbeFrame,
  dadProbeFrame,
  gratuitousArpFrames,
  unsolicitedAdvertisementFrame,
} from '../core/frames.js';
import {
  selectInterfaces,
  type InterfaceSelector,
  type InterfaceSkipReason,
} from '../core/interface-selection.js';
import type { MacAddress } from '../core/mac.js';
import { DropReason, respond, type ResponderContext } from '../core/responder.js';
import { systemClock, type Clock } from './clock.js';
import { copyCounters, emptyCounters, type L2Counters } from './counters.js';
import { netlinkLinkSource, type LinkSource } from './links.js';
import {
  openNativePacketSocket,
  type PacketProtocol,
  type PacketSocket,
  type PacketSocketFactory,
} from './packet-socket.js';
import { ReplyBudget } from './reply-budget.js';

/** Interface name, or `'*'` for every selected interface. */
export type OwnedAddresses =
  ReadonlyMap<string, Iterable<IPAddress | string>> | Readonly<Record<string, Iterable<IPAddress | string>>>;

export interface AnnouncerOptions {
  /** Bound once with `component: 'l2'`; every record has a stable `event`. */
  readonly logger: Logger;
  /** Which interfaces may be used (names and/or a pattern); default every eligible one. */
  readonly interfaces?: InterfaceSelector;
  readonly schedule?: Partial<AnnounceSchedule>;
  /** Called for every announcer event: turn `conflict` into a Kubernetes Event. */
  readonly onEvent?: (event: AnnouncerEvent) => void;
  /** Replies per second per interface at most (flood protection). Default 50,000. */
  readonly maxRepliesPerSecond?: number;
  /** Periodic interface rescan on top of link-change notifications. Default 30 s. */
  readonly rescanIntervalMs?: number;
  /** Injection points (tests): sockets, links, clock. Defaults: AF_PACKET, rtnetlink, real time. */
  readonly openSocket?: PacketSocketFactory;
  readonly links?: LinkSource;
  readonly clock?: Clock;
}

export interface InterfaceStatus {
  readonly name: string;
  readonly eligible: boolean;
  readonly reason?: InterfaceSkipReason | 'openFailed';
  readonly mac?: MacAddress;
  readonly error?: string;
}

export interface OwnedStatus {
  readonly ifname: string;
  readonly ip: IPAddress;
  /** `probing` (not answered yet), `announcing` (answered), `blocked` (conflict while probing). */
  readonly phase: EntryPhase;
}

interface Port {
  readonly ifname: string;
  readonly mac: MacAddress;
  readonly arp: PacketSocket;
  readonly ndp: PacketSocket;
  readonly budget: ReplyBudget;
  readonly ctx: ResponderContext;
}

/**
 * Layer-2 announcement of the addresses this node owns (see README.md): a desired-state API
 * (`setOwned`), gratuitous ARP / unsolicited NA on gaining an address, an ARP/NDP responder
 * for owned addresses only, probing before claiming unowned addresses, conflict detection and
 * defense, interface selection with rescans. Decisions are made by the pure core; this class
 * moves frames, time and interfaces.
 */
export class Announcer {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #schedule: AnnounceSchedule;
  readonly #openSocket: PacketSocketFactory;
  readonly #links: LinkSource;
  readonly #options: AnnouncerOptions;
  readonly #ports = new Map<string, Port>();
  #interfaces: InterfaceStatus[] = [];
  #state: AnnouncerState = emptyAnnouncerState;
  #desired = new Map<string, IPAddress[]>();
  #counters = emptyCounters();
  #kernelDropsClosed = 0;
  #timer: unknown;
  #timerAt: number | undefined;
  #rescanTimer: ReturnType<typeof setInterval> | undefined;
  #unwatch: (() => void) | undefined;
  #rescanning: Promise<void> | undefined;
  #rescanAgain = false;
  #closed = false;

  private constructor(options: AnnouncerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'l2' });
    this.#clock = options.clock ?? systemClock;
    this.#schedule = resolveAnnounceSchedule(options.schedule);
    this.#openSocket = options.openSocket ?? ((ifname, protocol) => openNativePacketSocket(ifname, protocol));
    this.#links = options.links ?? netlinkLinkSource();
  }

  /** Scans interfaces, opens sockets on the eligible ones and starts watching links. */
  static async start(options: AnnouncerOptions): Promise<Announcer> {
    const a = new Announcer(options);
    await a.rescan();
    a.#unwatch = a.#links.watch(() => void a.rescan());
    const every = options.rescanIntervalMs ?? 30_000;
    if (every > 0) {
      a.#rescanTimer = setInterval(() => void a.rescan(), every);
      a.#rescanTimer.unref();
    }
    a.#log.info({ event: 'started', interfaces: a.#interfaces.filter((i) => i.eligible).map((i) => i.name) });
    return a;
  }

  /**
   * The addresses this node owns, by interface (`'*'`: every selected interface). Addresses
   * gained are announced at once (after a probe if listed in `unclaimed`: nobody owned them
   * before); addresses kept are left alone (nothing is re-sent); addresses dropped stop being
   * answered before this returns.
   */
  setOwned(owned: OwnedAddresses, options: { unclaimed?: Iterable<IPAddress | string> } = {}): void {
    this.#assertOpen();
    const desired = new Map<string, IPAddress[]>();
    const entries = owned instanceof Map ? [...owned] : Object.entries(owned);
    for (const [ifname, ips] of entries) desired.set(ifname, [...ips].map(toAddress));
    this.#desired = desired;
    const unclaimed = new Set([...(options.unclaimed ?? [])].map((a) => toAddress(a).toString()));
    this.#apply(unclaimed);
  }

  /**
   * Sends the gratuitous ARP / unsolicited NA rounds again, from the first, for these owned
   * addresses (all when omitted): after a partition heals, to pull neighbours back from a node
   * that took an address over meanwhile. Addresses still probing are left alone.
   */
  reannounce(ips?: Iterable<IPAddress | string>): void {
    this.#assertOpen();
    const list = ips === undefined ? undefined : [...ips].map(toAddress);
    this.#run(reannounce(this.#state, list, this.#clock.now(), this.#schedule));
  }

  /** What is held where, and in which phase. */
  owned(): OwnedStatus[] {
    return [...this.#state.entries.values()].map((e) => ({ ifname: e.ifname, ip: e.ip, phase: e.phase }));
  }

  interfaces(): InterfaceStatus[] {
    return this.#interfaces.map((i) => ({ ...i }));
  }

  counters(): L2Counters {
    const c = copyCounters(this.#counters);
    let drops = this.#kernelDropsClosed;
    for (const p of this.#ports.values()) drops += p.arp.kernelDrops() + p.ndp.kernelDrops();
    c.drops[DropReason.kernelQueueFull] = drops;
    return c;
  }

  /** Re-reads the interfaces now (also done on link changes and periodically). */
  rescan(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#rescanning) {
      this.#rescanAgain = true;
      return this.#rescanning;
    }
    this.#rescanning = this.#rescanOnce()
      .catch((err: unknown) => this.#log.error({ event: 'rescanFailed', err }))
      .finally(() => {
        this.#rescanning = undefined;
        if (this.#rescanAgain && !this.#closed) {
          this.#rescanAgain = false;
          void this.rescan();
        }
      });
    return this.#rescanning;
  }

  /** Stops answering and announcing at once and closes every socket. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    if (this.#rescanTimer) clearInterval(this.#rescanTimer);
    this.#unwatch?.();
    for (const p of this.#ports.values()) this.#closePort(p);
    this.#ports.clear();
    this.#links.close();
    this.#state = emptyAnnouncerState;
    this.#log.info({ event: 'stopped' });
  }

  async #rescanOnce(): Promise<void> {
    const links = await this.#links.list();
    if (this.#closed) return;
    const decisions = selectInterfaces(links, this.#options.interfaces);
    const statuses: InterfaceStatus[] = [];
    const eligible = new Set<string>();
    for (const d of decisions) {
      if (!d.eligible) {
        statuses.push(d);
        continue;
      }
      let port = this.#ports.get(d.name);
      if (!port) {
        try {
          port = this.#openPort(d.name);
        } catch (err) {
          statuses.push({ name: d.name, eligible: false, reason: 'openFailed', error: String(err) });
          this.#log.error({ event: 'interfaceOpenFailed', ifname: d.name, err });
          continue;
        }
      }
      eligible.add(d.name);
      statuses.push({ name: d.name, eligible: true, mac: port.mac });
    }
    for (const [name, port] of this.#ports) {
      if (eligible.has(name)) continue;
      this.#closePort(port);
      this.#ports.delete(name);
      this.#log.info({ event: 'interfaceRemoved', ifname: name });
    }
    this.#interfaces = statuses;
    this.#apply(new Set());
  }

  #openPort(ifname: string): Port {
    const arp = this.#openSocket(ifname, 'arp');
    let ndp: PacketSocket;
    try {
      ndp = this.#openSocket(ifname, 'ndp');
    } catch (err) {
      arp.close();
      throw err;
    }
    const port: Port = {
      ifname,
      mac: arp.mac,
      arp,
      ndp,
      budget: new ReplyBudget(this.#options.maxRepliesPerSecond ?? 50_000, this.#clock),
      ctx: { mac: arp.mac, phaseOf: (ip) => phaseOf(this.#state, ifname, ip) },
    };
    this.#ports.set(ifname, port);
    arp.start((frame) => this.#receive(port, 'arp', frame));
    ndp.start((frame) => this.#receive(port, 'ndp', frame));
    this.#log.info({ event: 'interfaceAdded', ifname, mac: port.mac });
    return port;
  }

  #closePort(p: Port): void {
    this.#kernelDropsClosed += p.arp.kernelDrops() + p.ndp.kernelDrops();
    p.arp.close();
    p.ndp.close();
  }

  /** Desired addresses x open interfaces -> claims -> the pure core -> actions. */
  #apply(unclaimed: ReadonlySet<string>): void {
    const claims: Claim[] = [];
    const seen = new Set<string>();
    for (const [ifname, ips] of this.#desired) {
      const ports = ifname === '*' ? [...this.#ports.keys()] : this.#ports.has(ifname) ? [ifname] : [];
      for (const port of ports) {
        for (const ip of ips) {
          const key = `${port}|${ip}`;
          if (seen.has(key)) continue;
          seen.add(key);
          claims.push({ ifname: port, ip, probe: unclaimed.has(ip.toString()) });
        }
      }
    }
    this.#run(applyClaims(this.#state, claims, this.#clock.now(), this.#schedule));
  }

  #receive(port: Port, protocol: PacketProtocol, frame: Uint8Array): void {
    const c = this.#counters;
    const r = respond(frame, port.ctx);
    if (r.kind === 'reply') {
      c.requestsSeen[protocol]++;
      if (!port.budget.take()) {
        c.drops.rateLimited++;
        return;
      }
      if (this.#send(port, protocol, r.frame)) c.repliesSent[protocol]++;
    } else if (r.kind === 'drop') {
      if (r.request) c.requestsSeen[protocol]++;
      c.drops[r.reason]++;
    } else {
      c.conflicts[protocol]++;
      this.#log.warn({
        event: 'conflictSeen',
        ifname: port.ifname,
        ip: r.ip.toString(),
        mac: r.mac,
        evidence: r.evidence,
        phase: r.phase,
      });
      this.#run(
        reportConflict(
          this.#state,
          { ifname: port.ifname, ip: r.ip, mac: r.mac, evidence: r.evidence },
          this.#clock.now(),
          this.#schedule,
        ),
      );
    }
  }

  #run(step: Step): void {
    this.#state = step.state;
    for (const a of step.actions) this.#act(a);
    for (const e of step.events) this.#emit(e);
    this.#arm();
  }

  #act(a: AnnouncerAction): void {
    const port = this.#ports.get(a.ifname);
    if (!port) return; // interface went away in the same turn
    const c = this.#counters;
    switch (a.type) {
      case 'announce':
        if (a.ip.family === 4) {
          for (const f of gratuitousArpFrames(a.ip, port.mac))
            if (this.#send(port, 'arp', f)) c.gratuitousSent.arp++;
        } else if (this.#send(port, 'ndp', unsolicitedAdvertisementFrame(a.ip, port.mac))) {
          c.gratuitousSent.ndp++;
        }
        return;
      case 'probe':
        if (a.ip.family === 4) {
          if (this.#send(port, 'arp', arpProbeFrame(a.ip, port.mac))) c.probesSent.arp++;
        } else if (this.#send(port, 'ndp', dadProbeFrame(a.ip, port.mac))) {
          c.probesSent.ndp++;
        }
        return;
      case 'joinGroup':
      case 'leaveGroup':
        try {
          if (a.type === 'joinGroup') port.ndp.joinGroup(a.mac);
          else port.ndp.leaveGroup(a.mac);
        } catch (err) {
          this.#log.error({
            event: 'multicastMembershipFailed',
            ifname: a.ifname,
            group: a.mac,
            join: a.type === 'joinGroup',
            err,
          });
        }
        return;
    }
  }

  #send(port: Port, protocol: PacketProtocol, frame: Uint8Array): boolean {
    try {
      (protocol === 'arp' ? port.arp : port.ndp).send(frame);
      return true;
    } catch (err) {
      this.#counters.sendErrors++;
      this.#log.error({ event: 'sendFailed', ifname: port.ifname, protocol, err });
      return false;
    }
  }

  #emit(e: AnnouncerEvent): void {
    const fields = { event: e.type, ifname: e.ifname, ip: e.ip.toString() };
    if (e.type === 'conflict') {
      this.#log.warn({ ...fields, event: 'conflict', mac: e.mac, evidence: e.evidence, outcome: e.outcome });
    } else {
      this.#log.info(e.type === 'claimed' ? { ...fields, probed: e.probed } : fields);
    }
    try {
      this.#options.onEvent?.(e);
    } catch (err) {
      this.#log.error({ event: 'onEventFailed', err });
    }
  }

  /** One timer, at the earliest time the core needs attention. */
  #arm(): void {
    if (this.#closed) return;
    const at = nextWake(this.#state);
    if (at === this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === undefined) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = undefined;
        this.#run(advance(this.#state, this.#clock.now(), this.#schedule));
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new IronLbError('ERR_IRONLB_L2_CLOSED', 'the announcer is closed');
  }
}

function toAddress(a: IPAddress | string): IPAddress {
  return typeof a === 'string' ? IPAddress.parse(a) : a;
}
