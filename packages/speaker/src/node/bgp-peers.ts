// The BGP side of the speaker (the `BgpPort`): one `BgpSession` per BGPPeer selecting this
// node, created, restarted on configuration change and stopped as the desired set changes;
// TCP-MD5 passwords read from Secrets; a BFD session next to every session whose peer names a
// BFDProfile, whose Down tears the BGP session down at once (RFC 5882 section 4.3; Cease
// subcode "BFD Down", RFC 9384).
import type { Logger } from 'pino';
import {
  BgpSession,
  type Advertisement,
  type BgpSessionOptions,
  type Clock as BgpClock,
  type TcpSocketOptions,
} from '@ironlb/bgp';
import { authTypeFromName, type BfdController, type BfdEvent, type BfdProfile } from '@ironlb/bfd';
import type { BfdProfileConfig, BgpPeerConfig } from '@ironlb/config';
import type { BgpPort, PeerSessionStatus, PeerSpec } from '../ports.js';
import type { SecretSource } from './secrets.js';

export interface BgpPeersOptions {
  readonly logger: Logger;
  /** TCP-MD5 and TTL support; default `@ironlb/sys`, loaded when a peer needs it. */
  readonly socketOptions?: TcpSocketOptions;
  /** BFD sessions (a `BfdWorker` in production). Without it, peers' BFD profiles are ignored (logged). */
  readonly bfd?: BfdController;
  readonly secrets: SecretSource;
  /** The local address the kernel would use towards `peer` (the BFD session's source). */
  readonly localAddressFor: (peer: string) => Promise<string | undefined>;
  /** Called when a session's state, error or BFD state changes. */
  readonly onChange: (peer: string) => void;
  /** Replaces the TCP dialer (tests). */
  readonly dialer?: BgpSessionOptions['dialer'];
  readonly clock?: BgpClock;
  /** Wall clock for transition times. */
  readonly now?: () => number;
}

interface Managed {
  readonly name: string;
  readonly spec: PeerSpec;
  /** Canonical JSON of what the session was built from: a change restarts it. */
  readonly fingerprint: string;
  session: BgpSession | undefined;
  advertisements: readonly Advertisement[] | undefined;
  bfdKey: string | undefined;
  bfdState: PeerSessionStatus['bfdState'];
  lastTransitionTime: number | undefined;
  lastError: string | undefined;
  closed: boolean;
}

export class BgpPeers implements BgpPort {
  readonly #o: BgpPeersOptions;
  readonly #log: Logger;
  readonly #peers = new Map<string, Managed>();
  readonly #byBfdKey = new Map<string, Managed>();
  /** Peers that had a session in this process: later sessions do not set the Restart State bit. */
  readonly #hadSession = new Set<string>();
  readonly #unsubscribeBfd: (() => void) | undefined;
  #node: { ipv4?: string; ipv6?: string } = {};
  #sys: Promise<TcpSocketOptions> | undefined;

  constructor(options: BgpPeersOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'bgp-peers' });
    this.#unsubscribeBfd = options.bfd?.on((e) => this.#onBfd(e));
  }

  setPeers(peers: readonly PeerSpec[], node: { readonly ipv4?: string; readonly ipv6?: string }): void {
    this.#node = { ...node };
    const wanted = new Map(peers.map((p) => [p.peer.name, p]));
    for (const [name, m] of this.#peers) {
      const spec = wanted.get(name);
      if (!spec) {
        this.#log.info({ event: 'peerRemoved', peer: name });
        void this.#stop(m, 'peer removed');
      } else if (fingerprint(spec, this.#node) !== m.fingerprint) {
        this.#log.info({ event: 'peerChanged', peer: name });
        void this.#stop(m, 'configuration changed');
      }
    }
    for (const [name, spec] of wanted) {
      if (this.#peers.get(name)?.closed === false) continue;
      const m: Managed = {
        name,
        spec,
        fingerprint: fingerprint(spec, this.#node),
        session: undefined,
        advertisements: this.#peers.get(name)?.advertisements,
        bfdKey: undefined,
        bfdState: undefined,
        lastTransitionTime: undefined,
        lastError: undefined,
        closed: false,
      };
      this.#peers.set(name, m);
      void this.#start(m);
    }
  }

  setAdvertisements(peer: string, advertisements: readonly Advertisement[]): void {
    const m = this.#peers.get(peer);
    if (!m || m.closed) return;
    m.advertisements = advertisements;
    m.session?.setAdvertisements(advertisements);
  }

  sessions(): PeerSessionStatus[] {
    const out: PeerSessionStatus[] = [];
    for (const m of this.#peers.values()) {
      if (m.closed) continue;
      const stats = m.session?.stats();
      const advertised = stats ? stats.prefixesAdvertised.ipv4 + stats.prefixesAdvertised.ipv6 : 0;
      out.push({
        peer: m.name,
        peerAddress: m.spec.peer.peerAddress.toString(),
        peerASN: m.spec.peer.peerASN,
        state: m.session?.state ?? 'Idle',
        ...(m.lastTransitionTime !== undefined
          ? { lastTransitionTime: isoSeconds(m.lastTransitionTime) }
          : {}),
        ...(m.lastError !== undefined ? { lastError: m.lastError.slice(0, 1024) } : {}),
        ...(stats?.negotiated ? { holdTime: stats.negotiated.holdTime } : {}),
        advertisedPrefixes: advertised,
        ...(m.bfdState !== undefined ? { bfdState: m.bfdState } : {}),
      });
    }
    return out;
  }

  /**
   * Stops every session. With `keepRoutes`, sessions whose peer negotiated graceful restart
   * are closed without a NOTIFICATION, so that the router keeps our routes while the speaker
   * restarts (RFC 4724 section 4); the others get Cease / Administrative Shutdown.
   */
  async close(options: { keepRoutes?: boolean } = {}): Promise<void> {
    this.#unsubscribeBfd?.();
    await Promise.all(
      [...this.#peers.values()].map((m) =>
        this.#stop(m, 'speaker stopping', Boolean(options.keepRoutes && m.spec.peer.gracefulRestart)),
      ),
    );
  }

  async #start(m: Managed): Promise<void> {
    const peer = m.spec.peer;
    let options: BgpSessionOptions;
    try {
      options = await this.#sessionOptions(m);
    } catch (err) {
      m.lastError = err instanceof Error ? err.message : String(err);
      this.#log.warn({ event: 'peerNotStarted', peer: m.name, err });
      this.#o.onChange(m.name);
      return;
    }
    if (m.closed) return;
    const session = new BgpSession(options);
    m.session = session;
    this.#hadSession.add(m.name);
    session.on('stateChange', (c) => {
      m.lastTransitionTime = (this.#o.now ?? Date.now)();
      if (c.to === 'Established') m.lastError = undefined;
      this.#o.onChange(m.name);
    });
    session.on('down', (d) => {
      m.lastError = d.notification ? `${d.notification.direction}: ${d.notification.text}` : d.reason;
      this.#o.onChange(m.name);
    });
    if (m.advertisements) session.setAdvertisements(m.advertisements);
    session.start();
    if (m.spec.bfd) await this.#startBfd(m, m.spec.bfd, peer);
  }

  async #sessionOptions(m: Managed): Promise<BgpSessionOptions> {
    const peer = m.spec.peer;
    const family = peer.peerAddress.family;
    const source = peer.sourceAddress?.toString();
    const routerId =
      peer.routerID?.toString() ??
      (source !== undefined && peer.sourceAddress!.family === 4 ? source : undefined) ??
      this.#node.ipv4;
    if (routerId === undefined)
      throw new Error('no router ID: the BGPPeer names none and the node has no IPv4 address');
    let password: string | undefined;
    if (peer.password?.kind === 'inline') password = peer.password.password;
    else if (peer.password?.kind === 'secret') {
      const data = await this.#o.secrets.get(peer.password.namespace, peer.password.name);
      const bytes = data?.[peer.password.key];
      if (!bytes) throw new Error(`Secret ${peer.password.name} has no key "${peer.password.key}"`);
      password = new TextDecoder().decode(bytes);
    }
    return {
      localAs: peer.myASN,
      peerAs: peer.peerASN,
      routerId,
      peerAddress: peer.peerAddress.toString(),
      peerPort: peer.peerPort,
      ...(source !== undefined ? { localAddress: source } : {}),
      holdTime: peer.holdTimeSeconds,
      keepaliveTime: peer.keepaliveTimeSeconds,
      connectRetryTime: peer.connectTimeSeconds,
      ...(password !== undefined ? { password } : {}),
      ...(peer.ebgpMultiHop ? { ebgpMultihop: 255 } : {}),
      families: peer.dualStackAddressFamily ? ['ipv4', 'ipv6'] : [family === 4 ? 'ipv4' : 'ipv6'],
      gracefulRestart: peer.gracefulRestart
        ? { restartTime: peer.gracefulRestart.restartTimeSeconds }
        : false,
      restarting: peer.gracefulRestart !== undefined && !this.#hadSession.has(m.name),
      ...(!this.#o.dialer && (password !== undefined || peer.ebgpMultiHop)
        ? { socketOptions: await this.#socketOptions() }
        : {}),
      ...(this.#o.dialer ? { dialer: this.#o.dialer } : {}),
      ...(this.#o.clock ? { clock: this.#o.clock } : {}),
      logger: this.#o.logger,
    };
  }

  /** `@ironlb/sys` (the native addon), loaded only when a peer needs TCP-MD5 or a TTL. */
  async #socketOptions(): Promise<TcpSocketOptions> {
    this.#sys ??= this.#o.socketOptions ? Promise.resolve(this.#o.socketOptions) : import('@ironlb/sys');
    return await this.#sys;
  }

  async #startBfd(m: Managed, profile: BfdProfileConfig, peer: BgpPeerConfig): Promise<void> {
    const bfd = this.#o.bfd;
    const peerAddress = peer.peerAddress.toString();
    if (!bfd) {
      this.#log.warn({ event: 'bfdUnavailable', peer: m.name, profile: profile.name });
      return;
    }
    const local = peer.sourceAddress?.toString() ?? (await this.#o.localAddressFor(peerAddress));
    if (local === undefined || m.closed) {
      if (local === undefined) this.#log.warn({ event: 'bfdNoLocalAddress', peer: m.name });
      return;
    }
    let bfdProfile: BfdProfile;
    try {
      bfdProfile = await this.#bfdProfile(profile);
    } catch (err) {
      this.#log.warn({ event: 'bfdProfileUnusable', peer: m.name, profile: profile.name, err });
      return;
    }
    const r = await bfd.addSession({ localAddress: local, peerAddress, profile: bfdProfile });
    if (!r.ok) {
      this.#log.warn({ event: 'bfdSessionRefused', peer: m.name, reason: r.reason });
      return;
    }
    if (m.closed) {
      await bfd.removeSession(r.session.key);
      return;
    }
    m.bfdKey = r.session.key;
    m.bfdState = r.session.state;
    this.#byBfdKey.set(r.session.key, m);
    this.#log.info({ event: 'bfdSessionAdded', peer: m.name, local, profile: profile.name });
    this.#o.onChange(m.name);
  }

  async #bfdProfile(p: BfdProfileConfig): Promise<BfdProfile> {
    let authentication: BfdProfile['authentication'];
    if (p.authentication) {
      const data = await this.#o.secrets.get(p.authentication.secret.namespace, p.authentication.secret.name);
      const key = data?.[p.authentication.secret.key];
      if (!key)
        throw new Error(`Secret ${p.authentication.secret.name} has no key "${p.authentication.secret.key}"`);
      const type = authTypeFromName(p.authentication.type);
      if (type === undefined) throw new Error(`unknown BFD authentication type ${p.authentication.type}`);
      authentication = { type, keyId: p.authentication.keyID, key } as BfdProfile['authentication'];
    }
    return {
      receiveInterval: p.receiveIntervalMs,
      transmitInterval: p.transmitIntervalMs,
      detectMultiplier: p.detectMultiplier,
      passiveMode: p.passiveMode,
      ...(authentication ? { authentication } : {}),
    };
  }

  #onBfd(e: BfdEvent): void {
    const m = this.#byBfdKey.get(e.session.key);
    if (!m || m.closed) return;
    m.bfdState = e.session.state;
    if (e.type === 'sessionDown') {
      // The path to the router is gone: do not wait for the hold timer.
      this.#log.warn({ event: 'bfdDown', peer: m.name, reason: e.reason, remoteReason: e.remoteReason });
      m.session?.reset('bfdDown', `BFD Down: ${e.reason}`);
    } else if (e.type === 'sessionUp') {
      this.#log.info({ event: 'bfdUp', peer: m.name });
    }
    this.#o.onChange(m.name);
  }

  async #stop(m: Managed, text: string, keepRoutes = false): Promise<void> {
    if (m.closed) return;
    m.closed = true;
    if (m.bfdKey) {
      this.#byBfdKey.delete(m.bfdKey);
      await this.#o.bfd?.removeSession(m.bfdKey, { adminDown: !keepRoutes }).catch(() => false);
    }
    await m.session?.stop({ text, keepRoutes });
  }
}

function fingerprint(spec: PeerSpec, node: { ipv4?: string }): string {
  return JSON.stringify({
    peer: spec.peer,
    bfd: spec.bfd,
    routerId: spec.peer.routerID ? undefined : node.ipv4,
  });
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
