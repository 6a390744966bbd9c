/**
 * Interval accuracy of `bench:bfd`: one speaker process runs 50 BFD sessions at 100 ms against
 * 50 bfdd peers, under a given load, while tcpdump on the router records every packet. From
 * the capture, per session, the gaps between consecutive periodic packets (Final answers and
 * packets before the session settled are left out) are compared with the negotiated 100 ms:
 * RFC 5880 section 6.8.7 allows 75-100 ms (jitter); anything above 100 ms is lateness.
 */
import { readFileSync } from 'node:fs';
import { startCapture, waitFor, type FrrRouter, type Netns } from '@ironlb/netlab';
import { BfdState, decodeControlPacket, type BfdStats } from '../src/index.js';
import { readPcapUdp } from '../src/testing/pcap.js';
import { SpeakerHandle } from './speaker-handle.js';
import type { SpeakerProcessConfig } from './speaker-process.js';
import { round, summarize } from './stats-math.js';

export const ACC_SESSIONS = 50;
export function accAddress(i: number): string {
  return `192.0.2.${160 + i}`;
}

export interface AccuracyResult {
  readonly load: string;
  /** Sessions seen in the capture, and how many were Up at the end. */
  readonly sessions: number;
  readonly sessionsUp: number;
  /** State changes of our sessions during the window (a flap spoils its gaps; they are left out). */
  readonly stateChanges: number;
  /** Packets the speaker sent in the window, and how many the router-side capture holds. */
  readonly packetsSent: number;
  readonly packetsCaptured: number;
  /** From the capture: gaps between consecutive periodic Up packets of each session, ms. */
  readonly intervals: number;
  readonly intervalMs: ReturnType<typeof summarize>;
  /** |gap - 100 ms|: jitter by design (0-25 ms) plus lateness. */
  readonly deviationMs: ReturnType<typeof summarize>;
  /** max(0, gap - 100 ms): how far past the negotiated interval a packet came. */
  readonly latenessMs: ReturnType<typeof summarize>;
  /** Gaps below 75 ms (earlier than RFC 5880 section 6.8.7 allows). */
  readonly tooEarly: number;
  /** The speaker's own view: gap minus negotiated interval at the moment of sending, ms. */
  readonly internalGapExcessMs: { min: number; p50: number; p99: number; max: number };
  /** The speaker's own view: how late its transmit timers fired, ms. */
  readonly timerLatenessMs: { p50: number; p99: number; max: number };
  /** CPU used by the speaker process during the window, percent of one core. */
  readonly speakerCpuPercent: number;
  /** BGP UPDATE messages the speaker sent during the window (the `bgp10k` load). */
  readonly bgpUpdatesSentInWindow?: number;
}

function bgpUpdates(line: Record<string, unknown>): number {
  return (line['bgp'] as { updatesSent?: number } | undefined)?.updatesSent ?? 0;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

export async function measureAccuracy(options: {
  node: Netns;
  router: Netns;
  frr: FrrRouter;
  load: string;
  extra: Partial<SpeakerProcessConfig>;
  windowMs: number;
}): Promise<AccuracyResult> {
  const { node, router, frr } = options;
  const speaker = await SpeakerHandle.start(node, {
    sessions: Array.from({ length: ACC_SESSIONS }, (_, i) => ({
      local: accAddress(i),
      peer: '192.0.2.1',
      profile: { transmitInterval: 100, receiveInterval: 100, detectMultiplier: 3 },
    })),
    logLevel: 'warn',
    ...options.extra,
  });
  try {
    await waitFor(
      async () => {
        const peers = await frr.bfdPeers();
        return (
          peers.filter((p) => p.status === 'up' && p['remote-transmit-interval'] === 100).length ===
          ACC_SESSIONS
        );
      },
      { timeoutMs: 60_000, intervalMs: 200, description: `${ACC_SESSIONS} bfdd sessions up at 100 ms` },
    );
    if (options.extra.bgp)
      await speaker.waitFor((l) => l.event === 'bgpEstablished', {
        timeoutMs: 30_000,
        description: 'BGP established',
      });
    await new Promise((r) => setTimeout(r, 2000)); // let the 10k prefixes and the polls settle
    const capture = await startCapture(router, {
      filter: 'udp dst port 3784 and (src net 192.0.2.160/27 or src net 192.0.2.192/27)',
    });
    const before = await speaker.stats();
    speaker.resetStats();
    const since = Date.now();
    const ticks0 = cpuTicks(speaker.process.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, options.windowMs));
    const ticks1 = cpuTicks(speaker.process.pid);
    const elapsed = performance.now() - t0;
    const stats = await speaker.stats();
    await capture.stop({ settleMs: 300 });
    const stateChanges = speaker.lines.filter((l) => l.t >= since && l.event === 'stateChange').length;
    // Per session: capture times of packets, marked periodic (Up, no Final) or not.
    const perSession = new Map<string, { t: number; periodic: boolean }[]>();
    let captured = 0;
    for (const d of readPcapUdp(readFileSync(capture.file))) {
      if (d.destinationPort !== 3784) continue;
      captured++;
      const { packet } = decodeControlPacket(d.payload);
      const list = perSession.get(d.source) ?? [];
      list.push({ t: d.timeUs, periodic: packet.state === BfdState.Up && !packet.final });
      perSession.set(d.source, list);
    }
    const gaps: number[] = [];
    for (const list of perSession.values()) {
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.periodic && list[i - 1]!.periodic) gaps.push((list[i]!.t - list[i - 1]!.t) / 1000);
      }
    }
    const st = stats.stats as BfdStats;
    const ms = (us: number) => round(us / 1000, 2);
    const sessions = stats.sessions as { state: string }[];
    return {
      load: options.load,
      sessions: perSession.size,
      sessionsUp: sessions.filter((x) => x.state === 'Up').length,
      stateChanges,
      packetsSent: st.packetsSent,
      packetsCaptured: captured,
      intervals: gaps.length,
      intervalMs: roundAll(summarize(gaps)),
      deviationMs: roundAll(summarize(gaps.map((g) => Math.abs(g - 100)))),
      latenessMs: roundAll(summarize(gaps.map((g) => Math.max(0, g - 100)))),
      tooEarly: gaps.filter((g) => g < 75 - 0.5).length,
      internalGapExcessMs: {
        min: ms(st.periodicGapExcessUs.min),
        p50: ms(st.periodicGapExcessUs.p50),
        p99: ms(st.periodicGapExcessUs.p99),
        max: ms(st.periodicGapExcessUs.max),
      },
      timerLatenessMs: {
        p50: ms(st.txTimerLatenessUs.p50),
        p99: ms(st.txTimerLatenessUs.p99),
        max: ms(st.txTimerLatenessUs.max),
      },
      speakerCpuPercent: round(((ticks1 - ticks0) / 100 / (elapsed / 1000)) * 100),
      ...(stats['bgp'] ? { bgpUpdatesSentInWindow: bgpUpdates(stats) - bgpUpdates(before) } : {}),
    };
  } finally {
    await speaker.stop();
  }
}

function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 2)])) as T;
}
