/**
 * Failover measurement of `bench:bfd`: three speaker processes advertise the same VIP to FRR
 * (ECMP): one with BFD 100 ms x 3, one with BFD 300 ms x 3, one without BFD. BGP runs at its
 * fastest (keepalive 1 s, hold 3 s) for all three. Each round kills each speaker (kill -9) or
 * cuts its cable at the switch, and times from that moment to the router's kernel route
 * losing that node's next hop (`ip -ts monitor route` timestamps).
 */
import {
  routeGateways,
  waitFor,
  type FrrRouter,
  type Netns,
  type RouteMonitor,
  type Switch,
} from '@ironlb/netlab';
import type { BfdProfile } from '../src/index.js';
import { SpeakerHandle } from './speaker-handle.js';

export const VIP = '198.51.100.10';
export const ROUTER = '192.0.2.1';

export interface FailoverNode {
  readonly name: 'bfd100' | 'bfd300' | 'noBfd';
  readonly address: string;
  readonly netns: Netns;
  readonly profile: BfdProfile | undefined;
  speaker?: SpeakerHandle;
}

export type Trigger = 'kill9' | 'linkCut';

function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Starts the node's speaker and waits until the router routes the VIP through it (and BFD is
 * Up on both sides). One retry with a fresh process if that takes over 20 s; returns the
 * number of retries.
 */
export async function bringUp(node: FailoverNode, router: Netns, frr: FrrRouter): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await bringUpOnce(node, router, frr);
      return attempt;
    } catch (err) {
      if (attempt >= 1) throw err;
      process.stderr.write(`[bench:bfd] ${node.name}: not up after 20 s, restarting it (${String(err)})\n`);
      node.speaker?.killHard();
      await node.speaker?.process.waitExit(5000).catch(() => undefined);
      node.speaker = undefined;
    }
  }
}

async function bringUpOnce(node: FailoverNode, router: Netns, frr: FrrRouter): Promise<void> {
  node.speaker = await SpeakerHandle.start(node.netns, {
    sessions: node.profile ? [{ local: node.address, peer: ROUTER, profile: node.profile }] : [],
    bgp: { peer: ROUTER, localAddress: node.address, localAs: 64513, holdTime: 3, prefixes: [`${VIP}/32`] },
    logLevel: 'warn',
  });
  await waitFor(
    async () => {
      const route = await router.route(`${VIP}/32`);
      return route !== undefined && routeGateways(route).includes(node.address);
    },
    { timeoutMs: 20_000, intervalMs: 50, description: `${node.name}: VIP routed via ${node.address}` },
  );
  if (node.profile) {
    await node.speaker.waitFor((l) => l.event === 'sessionUp', {
      timeoutMs: 20_000,
      description: `${node.name}: BFD Up`,
    });
    await waitFor(
      async () => (await frr.bfdPeers()).some((p) => p.peer === node.address && p.status === 'up'),
      {
        timeoutMs: 20_000,
        description: `${node.name}: bfdd session up`,
      },
    );
  }
}

/** Fails the node and returns the milliseconds until the router's route lost its next hop. */
export async function failAndTime(
  node: FailoverNode,
  trigger: Trigger,
  ctx: { sw: Switch; monitor: RouteMonitor },
): Promise<number> {
  const speaker = node.speaker!;
  const t0 = nowMicros();
  if (trigger === 'kill9') speaker.killHard();
  else await ctx.sw.setPortState(node.netns, 'down');
  const event = await ctx.monitor.waitForEvent(
    (e) =>
      (e.dst === VIP || e.dst === `${VIP}/32`) &&
      (e.timestampMicros ?? 0) >= t0 &&
      (e.kind === 'del'
        ? e.gateways.length === 0 || e.gateways.includes(node.address)
        : e.gateways.length > 0 && !e.gateways.includes(node.address)),
    { timeoutMs: 30_000, description: `${node.name}: router route without ${node.address} after ${trigger}` },
  );
  const ms = (event.timestampMicros! - t0) / 1000;
  if (trigger === 'linkCut') {
    speaker.killHard();
    await speaker.process.waitExit(5000).catch(() => undefined);
    await ctx.sw.setPortState(node.netns, 'up');
  } else {
    await speaker.process.waitExit(5000).catch(() => undefined);
  }
  node.speaker = undefined;
  return ms;
}
