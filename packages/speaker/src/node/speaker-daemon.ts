// The speaker process's wiring: informers for everything it reads, the layer-2 announcer, the
// failure detector (started once its key is read from the Secret), BGP sessions with BFD, the
// SpeakerStatus object of this node, Events and health. `ironlb speaker` builds the
// connections and the logger and hands them over here.
import type { Logger } from 'pino';
import type { BfdController } from '@ironlb/bfd';
import type { TcpSocketOptions } from '@ironlb/bgp';
import {
  API_VERSION,
  GROUP,
  VERSION,
  buildConfig,
  kindDefinition,
  toSpeakerConfig,
  type ConfigObjects,
  type EffectiveConfig,
  type SpeakerStatus,
} from '@ironlb/config';
import {
  ApiEventRecorder,
  ApiStatusWriter,
  HealthChecks,
  InformerSet,
  PatchType,
  coreResources,
  customResource,
  isAlreadyExists,
  isNotFound,
  resourcePath,
  systemClock,
  type ApiInformer,
  type Clock,
  type InformerSetOptions,
  type KubeApi,
  type KubeObject,
  type ResourceType,
  type RuntimeMetrics,
} from '@ironlb/kube';
import { Announcer, type AnnounceSchedule } from '@ironlb/l2';
import type { InterfaceSelector } from '@ironlb/l2';
import { MembershipAgent, type DetectorSettings, type MembershipKeys } from '@ironlb/membership';
import type { EndpointSliceObject, NodeObject, ServiceFilter, ServiceObject } from '../kube-objects.js';
import { createSpeakerMetrics, registerFamilies } from '../metrics.js';
import type { L2Port, MemberSpec, MembershipPort } from '../ports.js';
import { Speaker, type SpeakerRecord } from '../speaker.js';
import { BgpPeers } from './bgp-peers.js';
import { localAddressFor } from './local-address.js';
import { ApiSecretSource, type SecretData } from './secrets.js';

function ours(kind: string): ResourceType {
  const def = kindDefinition(kind)!;
  return customResource(GROUP, VERSION, def.plural, def.kind);
}

const resources = {
  ipAddressPools: ours('IPAddressPool'),
  l2Advertisements: ours('L2Advertisement'),
  bgpPeers: ours('BGPPeer'),
  bgpAdvertisements: ours('BGPAdvertisement'),
  bfdProfiles: ours('BFDProfile'),
  speakerStatuses: ours('SpeakerStatus'),
} as const;

/** The Secret data keys of the membership key: `key` signs, `previous-key` is still accepted. */
export const MEMBERSHIP_KEY = 'key';
export const MEMBERSHIP_PREVIOUS_KEY = 'previous-key';

export interface SpeakerDaemonOptions {
  readonly node: string;
  /** The namespace IronLB runs in: Secrets referenced without a namespace are read there. */
  readonly namespace: string;
  readonly api: KubeApi;
  readonly kubeConfig: InformerSetOptions['kubeConfig'];
  readonly logger: Logger;
  readonly metrics: RuntimeMetrics;
  readonly serviceFilter: ServiceFilter;
  /** Layer-2 announcement: interfaces and schedule; `false` turns layer 2 off (BGP only). */
  readonly l2:
    { readonly interfaces?: InterfaceSelector; readonly schedule?: Partial<AnnounceSchedule> } | false;
  readonly membership: {
    /** UDP port of the failure detector (also published for the others). */
    readonly port: number;
    /** Bind address (default all). */
    readonly bindAddress?: string;
    /** The address published in SpeakerStatus (default: the Node's InternalIP). */
    readonly address?: string;
    /** The Secret with the key (`key`, optionally `previous-key`). */
    readonly keySecret: { readonly namespace?: string; readonly name: string };
    readonly settings?: Partial<DetectorSettings>;
  };
  readonly bfd?: BfdController;
  /** `@ironlb/sys`, for TCP-MD5 and eBGP multihop. */
  readonly socketOptions?: TcpSocketOptions;
  readonly quorumPolicy?: 'hold' | 'ignore';
  readonly settleMs?: number;
  readonly yieldMs?: number;
  readonly statusIntervalMs?: number;
  /** How often the Secrets are read again (key rotation). Default 30 s. */
  readonly secretRefreshMs?: number;
  readonly clock?: Clock;
}

/** Buffers the member list until the agent exists (it needs the key first). */
class AgentMembership implements MembershipPort {
  agent: MembershipAgent | undefined;
  #members: readonly MemberSpec[] = [];

  setMembers(members: readonly MemberSpec[]): void {
    this.#members = members;
    this.agent?.setMembers(members.map((m) => ({ name: m.name, address: m.address, port: m.port })));
  }

  attach(agent: MembershipAgent): void {
    this.agent = agent;
    this.setMembers(this.#members);
  }
}

class AnnouncerL2 implements L2Port {
  readonly #announcer: Announcer | undefined;

  constructor(announcer: Announcer | undefined) {
    this.#announcer = announcer;
  }

  setOwned(owned: ReadonlyMap<string, readonly string[]>, options: { unclaimed: readonly string[] }): void {
    this.#announcer?.setOwned(owned as ReadonlyMap<string, string[]>, { unclaimed: options.unclaimed });
  }

  reannounce(ips?: readonly string[]): void {
    this.#announcer?.reannounce(ips);
  }

  hardwareAddresses(): string[] {
    const macs = (this.#announcer?.interfaces() ?? [])
      .filter((i) => i.eligible && i.mac)
      .map((i) => String(i.mac));
    return [...new Set(macs)].sort();
  }
}

export class SpeakerDaemon {
  readonly speaker: Speaker;
  readonly health = new HealthChecks();
  readonly #o: SpeakerDaemonOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #informers: InformerSet;
  readonly #announcer: Announcer | undefined;
  readonly #bgp: BgpPeers;
  readonly #membership = new AgentMembership();
  readonly #secrets: ApiSecretSource;
  readonly #events: ApiEventRecorder;
  readonly #config: Record<keyof ConfigObjects, ApiInformer<KubeObject>>;
  readonly #statuses: ApiInformer<SpeakerStatus>;
  #effective: EffectiveConfig | undefined;
  #configTimer: { cancel(): void } | undefined;
  #speakersTimer: { cancel(): void } | undefined;
  #secretTimer: { cancel(): void } | undefined;
  #memberAddress: string | undefined;
  #keyFingerprint = '';
  #stopping = false;

  private constructor(o: SpeakerDaemonOptions, announcer: Announcer | undefined) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#log = o.logger.child({ component: 'speaker-daemon', node: o.node });
    this.#announcer = announcer;
    this.#secrets = new ApiSecretSource({ api: o.api, namespace: o.namespace });
    this.#events = new ApiEventRecorder({
      api: o.api,
      component: 'ironlb-speaker',
      instance: o.node,
      metrics: o.metrics,
      logger: o.logger,
    });
    const metrics = createSpeakerMetrics(o.metrics.registry);
    const ref: { speaker?: Speaker } = {};
    const lastState = new Map<string, string>();
    this.#bgp = new BgpPeers({
      logger: o.logger,
      ...(o.socketOptions ? { socketOptions: o.socketOptions } : {}),
      ...(o.bfd ? { bfd: o.bfd } : {}),
      secrets: this.#secrets,
      localAddressFor,
      onChange: (peer) => {
        const s = this.#bgp.sessions().find((x) => x.peer === peer);
        metrics.bgpSessionUp.set({ peer }, s?.state === 'Established' ? 1 : 0);
        if (s?.bfdState) metrics.bfdSessionUp.set({ peer }, s.bfdState === 'Up' ? 1 : 0);
        if (s && lastState.get(peer) !== s.state) {
          lastState.set(peer, s.state);
          metrics.bgpSessionTransitions.inc({ peer, state: s.state });
        }
        ref.speaker?.sessionsChanged();
      },
    });
    const writer = new ApiStatusWriter({ api: o.api, metrics: o.metrics, logger: o.logger });
    const speaker = new Speaker({
      node: o.node,
      logger: o.logger,
      clock: this.#clock,
      l2: new AnnouncerL2(announcer),
      bgp: this.#bgp,
      membership: this.#membership,
      events: this.#events,
      status: {
        write: async (status) => {
          const target = {
            resource: resources.speakerStatuses,
            name: o.node,
            ...(this.#statuses.get(o.node) ? { current: this.#statuses.get(o.node) } : {}),
          };
          let result = await writer.writeStatus(target, status as unknown as Record<string, unknown>);
          if (result.outcome === 'notFound') {
            await this.#ensureStatusObject();
            result = await writer.writeStatus(
              { resource: resources.speakerStatuses, name: o.node },
              status as never,
            );
          }
          if (result.outcome === 'failed' || result.outcome === 'notFound')
            throw new Error(`SpeakerStatus write ${result.outcome}`);
        },
      },
      metrics,
      serviceFilter: o.serviceFilter,
      ...(o.quorumPolicy ? { quorumPolicy: o.quorumPolicy } : {}),
      ...(o.settleMs !== undefined ? { settleMs: o.settleMs } : {}),
      ...(o.yieldMs !== undefined ? { yieldMs: o.yieldMs } : {}),
      ...(o.statusIntervalMs !== undefined ? { statusIntervalMs: o.statusIntervalMs } : {}),
    });
    this.speaker = speaker;
    ref.speaker = speaker;
    if (announcer) registerFamilies(o.metrics.registry, () => l2Families(announcer));

    this.#informers = new InformerSet({
      kubeConfig: o.kubeConfig,
      api: o.api,
      logger: o.logger,
      metrics: o.metrics,
    });
    const services = this.#informers.informer<ServiceObject & KubeObject>(coreResources.services);
    services.addHandlers({
      onAdd: (s) => speaker.serviceChanged(s),
      onUpdate: (_, s) => speaker.serviceChanged(s),
      onDelete: (s) => speaker.serviceDeleted(s),
    });
    const slices = this.#informers.informer<EndpointSliceObject & KubeObject>(coreResources.endpointSlices);
    slices.addHandlers({
      onAdd: (s) => speaker.sliceChanged(s),
      onUpdate: (_, s) => speaker.sliceChanged(s),
      onDelete: (s) => speaker.sliceDeleted(s),
    });
    const nodes = this.#informers.informer<NodeObject & KubeObject>(coreResources.nodes);
    nodes.addHandlers({
      onAdd: (n) => speaker.nodeChanged(n),
      onUpdate: (_, n) => speaker.nodeChanged(n),
      onDelete: (n) => speaker.nodeDeleted(n),
    });
    const configChanged = () => this.#scheduleConfig();
    const handlers = { onAdd: configChanged, onUpdate: configChanged, onDelete: configChanged };
    this.#config = {
      ipAddressPools: this.#informers.informer(resources.ipAddressPools),
      l2Advertisements: this.#informers.informer(resources.l2Advertisements),
      bgpPeers: this.#informers.informer(resources.bgpPeers),
      bgpAdvertisements: this.#informers.informer(resources.bgpAdvertisements),
      bfdProfiles: this.#informers.informer(resources.bfdProfiles),
    };
    for (const inf of Object.values(this.#config)) inf.addHandlers(handlers);
    this.#statuses = this.#informers.informer<SpeakerStatus & KubeObject>(resources.speakerStatuses);
    const speakersChanged = () => this.#scheduleSpeakers();
    this.#statuses.addHandlers({
      onAdd: speakersChanged,
      onUpdate: speakersChanged,
      onDelete: speakersChanged,
    });

    this.health.addLiveness('running', () => !this.#stopping);
    this.health.addReadiness('informers', this.#informers.readinessCheck());
    this.health.addReadiness('membership', () =>
      this.#membership.agent ? true : { ok: false, message: `no key yet in Secret ${this.#keySecretName()}` },
    );
    this.health.addReadiness('settled', () =>
      this.speaker.settled ? true : { ok: false, message: 'waiting to hear from every speaker' },
    );
  }

  /** Starts everything; resolves once the informers have synced and the speaker runs. */
  static async start(o: SpeakerDaemonOptions): Promise<SpeakerDaemon> {
    const ref: { daemon?: SpeakerDaemon } = {};
    const announcer =
      o.l2 === false
        ? undefined
        : await Announcer.start({
            logger: o.logger,
            ...(o.l2.interfaces ? { interfaces: o.l2.interfaces } : {}),
            ...(o.l2.schedule ? { schedule: o.l2.schedule } : {}),
            onEvent: (e) => {
              if (e.type === 'conflict')
                ref.daemon?.speaker.conflict(e.ip.toString(), String(e.mac), e.outcome);
            },
          });
    const daemon = new SpeakerDaemon(o, announcer);
    ref.daemon = daemon;
    try {
      await daemon.#run();
    } catch (err) {
      await daemon.stop({ keepBgpRoutes: false });
      throw err;
    }
    return daemon;
  }

  async #run(): Promise<void> {
    this.#informers.start();
    await this.#informers.waitForSync();
    this.#applyConfig();
    const node = await this.#waitForNode();
    this.#memberAddress = this.#o.membership.address ?? node.ipv4 ?? node.ipv6;
    const previous = await this.#ensureStatusObject();
    this.speaker.setPreviouslyAnnounced(
      (previous?.status?.announcements ?? []).map((a) => `${a.protocol}|${a.ip}`),
      previous?.status?.conditions as never,
    );
    this.#applySpeakers();
    this.speaker.synced();
    this.#log.info({ event: 'synced', memberAddress: this.#memberAddress });
    await this.#refreshSecrets();
  }

  /** The node's own addresses from its Node object; waits for the Node to exist. */
  async #waitForNode(): Promise<{ ipv4?: string; ipv6?: string }> {
    for (let attempt = 0; ; attempt++) {
      const n = this.speaker.planner.node(this.#o.node);
      if (n) return n.addresses;
      if (attempt % 10 === 0) this.#log.warn({ event: 'nodeNotFound', node: this.#o.node });
      await new Promise<void>((resolve) => this.#clock.setTimer(1000, resolve));
      if (this.#stopping) throw new Error('stopped');
    }
  }

  /**
   * Creates this node's SpeakerStatus (owned by the Node, so it goes with it) or brings its spec
   * up to date: the membership address and port and the MACs. Returns the object as it was.
   */
  async #ensureStatusObject(): Promise<SpeakerStatus | undefined> {
    const o = this.#o;
    const spec = {
      nodeName: o.node,
      ...(this.#memberAddress ? { memberAddress: this.#memberAddress } : {}),
      memberPort: o.membership.port,
      hardwareAddresses: new AnnouncerL2(this.#announcer).hardwareAddresses(),
    };
    const path = resourcePath(resources.speakerStatuses, { name: o.node });
    let existing: SpeakerStatus | undefined;
    try {
      existing = await o.api.request<SpeakerStatus>({ method: 'GET', path });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (existing) {
      if (JSON.stringify(existing.spec) !== JSON.stringify(spec))
        await o.api.request({ method: 'PATCH', path, contentType: PatchType.merge, body: { spec } });
      return existing;
    }
    const nodeUid = this.#nodeUid();
    try {
      await o.api.request({
        method: 'POST',
        path: resourcePath(resources.speakerStatuses),
        body: {
          apiVersion: API_VERSION,
          kind: 'SpeakerStatus',
          metadata: {
            name: o.node,
            labels: { 'app.kubernetes.io/name': 'ironlb', 'app.kubernetes.io/component': 'speaker' },
            ...(nodeUid
              ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: o.node, uid: nodeUid }] }
              : {}),
          },
          spec,
        },
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return undefined;
  }

  #nodeUid(): string | undefined {
    return this.speaker.planner.node(this.#o.node)?.uid;
  }

  #keySecretName(): string {
    const s = this.#o.membership.keySecret;
    return `${s.namespace ?? this.#o.namespace}/${s.name}`;
  }

  /** Reads the membership key; starts the failure detector when it first appears, rotates keys later. */
  async #refreshSecrets(): Promise<void> {
    if (this.#stopping) return;
    this.#secrets.invalidate();
    try {
      const s = this.#o.membership.keySecret;
      const data = await this.#secrets.get(s.namespace, s.name);
      const keys = membershipKeys(data);
      if (!keys) {
        this.#log.warn({ event: 'membershipKeyMissing', secret: this.#keySecretName() });
      } else {
        const fingerprint = Buffer.concat([keys.current, keys.previous ?? new Uint8Array()]).toString(
          'base64',
        );
        if (!this.#membership.agent) await this.#startMembership(keys);
        else if (fingerprint !== this.#keyFingerprint) this.#membership.agent.setKeys(keys);
        this.#keyFingerprint = fingerprint;
      }
    } catch (err) {
      this.#log.warn({ event: 'secretReadFailed', secret: this.#keySecretName(), err });
    }
    const every = this.#membership.agent ? (this.#o.secretRefreshMs ?? 30_000) : 2000;
    this.#secretTimer = this.#clock.setTimer(every, () => void this.#refreshSecrets());
  }

  async #startMembership(keys: MembershipKeys): Promise<void> {
    const o = this.#o.membership;
    const agent = await MembershipAgent.start({
      self: this.#o.node,
      bind: { ...(o.bindAddress ? { address: o.bindAddress } : {}), port: o.port },
      defaultPort: o.port,
      keys,
      ...(o.settings ? { settings: o.settings } : {}),
      logger: this.#o.logger,
    });
    agent.onEvent((e) => {
      if (e.type === 'memberChanged') {
        if (e.change.to !== 'removed')
          this.speaker.memberChanged(e.change.member, e.change.to, e.change.at, e.wallTime);
      } else if (e.type === 'quorumChanged') {
        this.speaker.quorumChanged(e.quorum);
      } else if (e.type === 'quorumChecked' && e.result.confirmed) {
        this.speaker.quorumConfirmed(e.result.startedAt);
      }
    });
    registerFamilies(this.#o.metrics.registry, () => agent.stats.snapshot());
    this.#membership.attach(agent);
    const view = agent.view();
    for (const m of view.members)
      this.speaker.memberChanged(m.name, m.status, m.since, agent.wallTimeOf(m.since));
    this.speaker.quorumChanged(view.quorum);
    this.speaker.membershipStarted();
  }

  #scheduleConfig(): void {
    if (this.#configTimer || !this.#informers.hasSynced()) return;
    this.#configTimer = this.#clock.setTimer(0, () => {
      this.#configTimer = undefined;
      this.#applyConfig();
    });
  }

  #applyConfig(): void {
    const list = (k: keyof ConfigObjects) => this.#config[k].list() as never[];
    const result = buildConfig(this.#effective, {
      ipAddressPools: list('ipAddressPools'),
      l2Advertisements: list('l2Advertisements'),
      bgpPeers: list('bgpPeers'),
      bgpAdvertisements: list('bgpAdvertisements'),
      bfdProfiles: list('bfdProfiles'),
    });
    this.#effective = result.config;
    const errors = result.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0)
      this.#log.warn({
        event: 'configProblems',
        problems: errors.map((p) => `${p.kind}/${p.name} ${p.field}: ${p.reason}`),
      });
    this.speaker.configChanged(toSpeakerConfig(result.config));
  }

  #scheduleSpeakers(): void {
    if (this.#speakersTimer || !this.#informers.hasSynced()) return;
    this.#speakersTimer = this.#clock.setTimer(0, () => {
      this.#speakersTimer = undefined;
      this.#applySpeakers();
    });
  }

  #applySpeakers(): void {
    const records: SpeakerRecord[] = [];
    for (const s of this.#statuses.list()) {
      const spec = s.spec;
      if (!spec?.nodeName) continue;
      records.push({
        node: spec.nodeName,
        ...(spec.memberAddress ? { memberAddress: spec.memberAddress } : {}),
        ...(spec.memberPort ? { memberPort: spec.memberPort } : {}),
        hardwareAddresses: spec.hardwareAddresses ?? [],
        ready: s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      });
    }
    this.speaker.speakersChanged(records);
  }

  /**
   * Stops the speaker. The failure detector says goodbye first, so that the other speakers take
   * this node's layer-2 addresses over at once; the announcer stops answering; BGP sessions
   * close with Cease, or, with `keepBgpRoutes` and graceful restart negotiated, without a
   * NOTIFICATION so that routers keep the routes until this speaker is back (RFC 4724).
   */
  async stop(options: { keepBgpRoutes: boolean }): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#secretTimer?.cancel();
    this.#configTimer?.cancel();
    this.#speakersTimer?.cancel();
    // Stop announcing (and answering ARP/NDP) before saying goodbye: once the others hear it
    // they take the addresses over, and a gratuitous ARP still scheduled here would pull
    // clients back to this node for a moment.
    this.speaker.close();
    this.#announcer?.close();
    await this.#membership.agent?.leave().catch(() => undefined);
    await this.#bgp.close({ keepRoutes: options.keepBgpRoutes });
    await this.#events.flush().catch(() => undefined);
    await this.#informers.stop();
    this.#log.info({ event: 'stopped' });
  }
}

/** The membership keys in the Secret's data, or undefined when there is no usable `key`. */
export function membershipKeys(data: SecretData | undefined): MembershipKeys | undefined {
  const current = data?.[MEMBERSHIP_KEY];
  if (!current || current.length === 0) return undefined;
  const previous = data?.[MEMBERSHIP_PREVIOUS_KEY];
  return { current, ...(previous && previous.length > 0 ? { previous } : {}) };
}

function l2Families(announcer: Announcer): ReturnType<Parameters<typeof registerFamilies>[1]> {
  const c = announcer.counters();
  const byProtocol = (name: string, help: string, v: { arp: number; ndp: number }) => ({
    name,
    help,
    type: 'counter' as const,
    samples: [
      { labels: { protocol: 'arp' }, value: v.arp },
      { labels: { protocol: 'ndp' }, value: v.ndp },
    ],
  });
  return [
    byProtocol(
      'ironlb_l2_requests_seen_total',
      'ARP requests and Neighbor Solicitations received.',
      c.requestsSeen,
    ),
    byProtocol('ironlb_l2_replies_sent_total', 'ARP replies and solicited NAs sent.', c.repliesSent),
    byProtocol(
      'ironlb_l2_gratuitous_sent_total',
      'Gratuitous ARP and unsolicited NAs sent.',
      c.gratuitousSent,
    ),
    byProtocol('ironlb_l2_probes_sent_total', 'ARP probes and DAD probes sent.', c.probesSent),
    byProtocol(
      'ironlb_l2_conflicts_total',
      'Frames showing another host using an owned address.',
      c.conflicts,
    ),
    {
      name: 'ironlb_l2_drops_total',
      help: 'Received frames not answered, by reason.',
      type: 'counter',
      samples: Object.entries(c.drops).map(([reason, value]) => ({ labels: { reason }, value })),
    },
    {
      name: 'ironlb_l2_send_errors_total',
      help: 'Frame sends that failed.',
      type: 'counter',
      samples: [{ labels: {}, value: c.sendErrors }],
    },
  ];
}
