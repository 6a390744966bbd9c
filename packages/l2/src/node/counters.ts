import { DropReason } from '../core/responder.js';

/** Per-protocol counts. */
export interface ByProtocol {
  arp: number;
  ndp: number;
}

/**
 * The announcer's counters, cumulative since start (Prometheus counters; suggested names
 * `ironlb_l2_<field>_total`, with a `protocol` or `reason` label).
 */
export interface L2Counters {
  /** ARP requests and Neighbor Solicitations received, answered or not. */
  requestsSeen: ByProtocol;
  /** Replies sent: ARP replies and solicited NAs (and NAs answering DAD probes). */
  repliesSent: ByProtocol;
  /** Gratuitous ARP frames (both forms count) and unsolicited NAs sent. */
  gratuitousSent: ByProtocol;
  /** ARP probes and DAD probes sent. */
  probesSent: ByProtocol;
  /** Frames showing another host using one of our addresses. */
  conflicts: ByProtocol;
  /** Received frames not answered, by reason (`kernelQueueFull` from the kernel's own count). */
  drops: Record<DropReason, number>;
  /** Sends that failed (the error is logged). */
  sendErrors: number;
}

export function emptyCounters(): L2Counters {
  const zero = (): ByProtocol => ({ arp: 0, ndp: 0 });
  return {
    requestsSeen: zero(),
    repliesSent: zero(),
    gratuitousSent: zero(),
    probesSent: zero(),
    conflicts: zero(),
    drops: Object.fromEntries(Object.values(DropReason).map((r) => [r, 0])) as Record<DropReason, number>,
    sendErrors: 0,
  };
}

export function copyCounters(c: L2Counters): L2Counters {
  return {
    requestsSeen: { ...c.requestsSeen },
    repliesSent: { ...c.repliesSent },
    gratuitousSent: { ...c.gratuitousSent },
    probesSent: { ...c.probesSent },
    conflicts: { ...c.conflicts },
    drops: { ...c.drops },
    sendErrors: c.sendErrors,
  };
}
