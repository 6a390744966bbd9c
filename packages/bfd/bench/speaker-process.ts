/**
 * A stand-in speaker process for the BFD interop tests and `bench:bfd`: BFD sessions from
 * `@ironlb/bfd` and, optionally, a BGP session (the minimal sender) coupled to them: when the
 * BFD session to the BGP peer goes Down, the BGP session is torn down at once.
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
import { MinimalBgpSender } from './minimal-bgp-sender.js';

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
   * Every `everyMs`, withdraw this many /32s from 198.18.0.0 and announce them again, on the
   * BGP session (encoding and sending 2 x N NLRI each time).
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
let bgp: MinimalBgpSender | undefined;

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
  if (e.type === 'sessionDown' && bgp && s.peerAddress === config.bgp?.peer) bgp.close('bfdDown');
});

for (const s of config.sessions) {
  const r = await bfd.addSession({ localAddress: s.local, peerAddress: s.peer, profile: s.profile });
  if (!r.ok) {
    emit('addSessionFailed', { result: r });
    process.exit(2);
  }
}

if (config.bgp) {
  const b = config.bgp;
  const start = () => {
    bgp = new MinimalBgpSender({
      peer: b.peer,
      localAddress: b.localAddress,
      localAs: b.localAs,
      routerId: b.localAddress,
      holdTime: b.holdTime,
      nextHop: b.localAddress,
      prefixes: [...(b.prefixes ?? []), ...hostPrefixes(b.hostPrefixes ?? 0)],
    });
    bgp.onEstablished = () => emit('bgpEstablished', { peer: b.peer });
    bgp.onClosed = (why) => {
      emit('bgpClosed', { peer: b.peer, why });
      setTimeout(start, 1000);
    };
  };
  start();
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
  const prefixes = hostPrefixes(config.churn.prefixes);
  setInterval(() => {
    bgp?.withdraw(prefixes);
    bgp?.announce(prefixes);
  }, config.churn.everyMs);
}

// SIGUSR1: print counters and sessions; SIGUSR2: reset the counters (measurement windows).
process.on('SIGUSR1', () => {
  void Promise.all([bfd.stats(), bfd.sessions()]).then(([stats, sessions]) =>
    emit('stats', { stats, sessions }),
  );
});
process.on('SIGUSR2', () => void bfd.resetStats());
process.on('SIGTERM', () => {
  void bfd.close().then(() => process.exit(0));
});
emit('ready', { pid: process.pid });
