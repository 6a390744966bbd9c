/**
 * A stand-in speaker process for the BFD interop tests and `bench:bfd`: BFD sessions from
 * `@ironlb/bfd` and, optionally, a BGP session from `@ironlb/bgp` coupled to them: when the
 * BFD session to the BGP peer goes Down, the BGP session is reset at once (Cease, BFD Down).
 *
 * Run inside a namespace: `node --conditions=@ironlb/source --import tsx speaker-process.ts '<json>'`.
 * Every event is one JSON line on stdout; logs (pino) go to stderr.
 */
import { createUdpSocket } from '@ironlb/sys';
import { pino } from 'pino';
import {
  BfdManager,
  BfdWorker,
  dgramSocketFactory,
  type BfdController,
  type BfdProfile,
} from '../src/index.js';
import { BgpSession } from '@ironlb/bgp';

export interface SpeakerProcessConfig {
  readonly sessions: readonly { local: string; peer: string; profile: BfdProfile }[];
  readonly bgp?: {
    readonly peer: string;
    readonly localAddress: string;
    readonly localAs: number;
    readonly holdTime: number;
    readonly prefixes?: readonly string[];
    /** Also announce this many /32s from 198.18.0.0 (kept out of argv, which has a size limit). */
    readonly hostPrefixes?: number;
  };
  /** Without the TTL check on receipt (to show what `@ironlb/sys` adds). */
  readonly noMinTtl?: boolean;
  /** Synthetic load: `blockMs` of synchronous work every `everyMs`. */
  readonly load?: { readonly blockMs: number; readonly everyMs: number };
  /**
   * Every `everyMs`, withdraw this many /32s from 198.18.0.0, or announce them again, on the
   * BGP session (a full diff of the Adj-RIB-Out and N NLRI encoded each time).
   */
  readonly churn?: { readonly prefixes: number; readonly everyMs: number };
  readonly logLevel?: string;
  /** Run BFD on the main event loop (`main`, default) or in its own thread (`worker`). */
  readonly thread?: 'main' | 'worker';
}

function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, t: Date.now(), ...fields })}\n`);
}

function hostPrefixes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `198.18.${(i >> 8) & 0xff}.${i & 0xff}/32`);
}

const config = JSON.parse(process.argv[2] ?? '{}') as SpeakerProcessConfig;
const logger = pino({ level: config.logLevel ?? 'info' }, pino.destination(2));
const bfd: BfdController =
  config.thread === 'worker'
    ? await BfdWorker.start({
        logger,
        ...(config.noMinTtl ? {} : { socketModule: { specifier: '@ironlb/sys' } }),
      })
    : new BfdManager({ logger, sockets: dgramSocketFactory(config.noMinTtl ? {} : { createUdpSocket }) });
let bgp: BgpSession | undefined;

bfd.on((e) => {
  const s = e.session;
  emit(e.type, {
    key: s.key,
    peer: s.peerAddress,
    state: s.state,
    ...(e.type === 'sessionDown' ? { reason: e.reason, remoteReason: e.remoteReason } : {}),
    ...(e.type === 'stateChange' ? { from: e.from, to: e.to, reason: e.reason } : {}),
    transmitIntervalMs: s.transmitIntervalMs,
    detectionTimeMs: s.detectionTimeMs,
  });
  // The coupling the speaker will do: BFD Down tears the BGP session to that peer down now.
  const b = config.bgp;
  if (e.type === 'sessionDown' && bgp && s.peerAddress === b?.peer && s.localAddress === b.localAddress) {
    bgp.reset('bfdDown', `BFD ${e.reason}`);
    emit('bgpClosed', { peer: s.peerAddress, why: 'bfdDown' });
  }
});

for (const s of config.sessions) {
  const r = await bfd.addSession({ localAddress: s.local, peerAddress: s.peer, profile: s.profile });
  if (!r.ok) {
    emit('addSessionFailed', { result: r });
    process.exit(2);
  }
}

const routes = (prefixes: readonly string[]) => prefixes.map((prefix) => ({ prefix }));
if (config.bgp) {
  const b = config.bgp;
  // Graceful restart is off: a helper router would keep our routes as stale after a failure,
  // which is the opposite of what is measured here.
  bgp = new BgpSession({
    localAs: b.localAs,
    peerAs: 'external',
    routerId: b.localAddress,
    peerAddress: b.peer,
    localAddress: b.localAddress,
    holdTime: b.holdTime,
    connectRetryTime: 1,
    gracefulRestart: false,
    families: ['ipv4'],
    logger: logger.child({}),
  });
  bgp.on('established', () => emit('bgpEstablished', { peer: b.peer }));
  bgp.on('down', (d) => emit('bgpDown', { peer: b.peer, reason: d.reason, notification: d.notification }));
  bgp.setAdvertisements(routes([...(b.prefixes ?? []), ...hostPrefixes(b.hostPrefixes ?? 0)]));
  bgp.start();
}

if (config.load) {
  const { blockMs, everyMs } = config.load;
  setInterval(() => {
    const until = performance.now() + blockMs;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
  }, everyMs);
}

if (config.churn) {
  const all = routes([...(config.bgp?.prefixes ?? []), ...hostPrefixes(config.churn.prefixes)]);
  let on = true;
  setInterval(() => {
    on = !on;
    bgp?.setAdvertisements(on ? all : []);
  }, config.churn.everyMs);
}

// SIGUSR1: print counters and sessions; SIGUSR2: reset the counters (measurement windows).
process.on('SIGUSR1', () => {
  void Promise.all([bfd.stats(), bfd.sessions()]).then(([stats, sessions]) => {
    const b = bgp?.stats();
    emit('stats', {
      stats,
      sessions,
      ...(b
        ? { bgp: { state: b.state, updatesSent: b.messagesSent.update, prefixes: b.prefixesAdvertised.ipv4 } }
        : {}),
    });
  });
});
process.on('SIGUSR2', () => void bfd.resetStats());
process.on('SIGTERM', () => {
  void bfd.close().then(() => process.exit(0));
});
emit('ready', { pid: process.pid });
