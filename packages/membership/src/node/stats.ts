import type { DetectorCounters } from '../core/counters.js';
import type { MemberStatus, MembershipView } from '../core/view.js';
import type { EnvelopeDrop } from './envelope.js';

/**
 * Why a datagram never reached the protocol, or was refused by it. Stable strings: they are the
 * `reason` label of `ironlb_membership_packets_dropped_total`.
 */
export type DropReason =
  EnvelopeDrop | 'unknownSender' | 'selfSent' | 'replayed' | 'stale' | 'notForUs' | 'unknownTarget';

export const dropReasons: readonly DropReason[] = [
  'malformed',
  'unsupportedVersion',
  'unknownKey',
  'badMac',
  'unknownSender',
  'selfSent',
  'replayed',
  'stale',
  'notForUs',
  'unknownTarget',
];

/** One Prometheus metric family, ready for the speaker to register (it owns prom-client). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

const statuses: readonly MemberStatus[] = ['unknown', 'alive', 'suspect', 'dead', 'left'];

/**
 * Counters of the node layer plus a view of the detector's, exported as metric families.
 * The agent owns one; `snapshot()` is cheap enough to call on every scrape.
 */
export class MembershipStats {
  readonly packets = { received: 0, sent: 0, bytesReceived: 0, bytesSent: 0, sendErrors: 0 };
  readonly dropped: Record<DropReason, number> = Object.fromEntries(dropReasons.map((r) => [r, 0])) as Record<
    DropReason,
    number
  >;
  readonly #changes = new Map<string, { to: string; reason: string; value: number }>();
  readonly #source: { counters(): DetectorCounters; view(): MembershipView };

  constructor(source: { counters(): DetectorCounters; view(): MembershipView }) {
    this.#source = source;
  }

  drop(reason: DropReason): void {
    this.dropped[reason] += 1;
  }

  memberChanged(to: string, reason: string): void {
    const key = `${to}|${reason}`;
    const c = this.#changes.get(key) ?? { to, reason, value: 0 };
    c.value += 1;
    this.#changes.set(key, c);
  }

  /** Drops counted here and by the detector, by reason. */
  droppedTotals(): Record<DropReason, number> {
    const core = this.#source.counters().dropped;
    const out = { ...this.dropped };
    out.notForUs += core.notForUs;
    out.unknownTarget += core.unknownTarget;
    out.unknownSender += core.unknownSender;
    out.selfSent += core.selfSent;
    return out;
  }

  snapshot(): MetricFamily[] {
    const c = this.#source.counters();
    const view = this.#source.view();
    const counter = (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type: 'counter',
      samples: [{ labels: {}, value }],
    });
    const gauge = (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type: 'gauge',
      samples: [{ labels: {}, value }],
    });
    const dropped = this.droppedTotals();
    return [
      counter(
        'ironlb_membership_packets_received_total',
        'Datagrams received on the membership port.',
        this.packets.received,
      ),
      counter('ironlb_membership_packets_sent_total', 'Datagrams sent.', this.packets.sent),
      counter(
        'ironlb_membership_bytes_received_total',
        'Bytes received (UDP payload).',
        this.packets.bytesReceived,
      ),
      counter('ironlb_membership_bytes_sent_total', 'Bytes sent (UDP payload).', this.packets.bytesSent),
      counter(
        'ironlb_membership_send_errors_total',
        'Datagrams the kernel refused to send.',
        this.packets.sendErrors,
      ),
      {
        name: 'ironlb_membership_packets_dropped_total',
        help: 'Datagrams dropped, by reason (unauthenticated, replayed, malformed, ...).',
        type: 'counter',
        samples: dropReasons.map((reason) => ({ labels: { reason }, value: dropped[reason] })),
      },
      {
        name: 'ironlb_membership_probes_total',
        help: 'Probes of other members by result: direct ack, ack through another member, or none.',
        type: 'counter',
        samples: (['ack', 'indirectAck', 'failed'] as const).map((result) => ({
          labels: { result },
          value: c.probeResults[result],
        })),
      },
      counter(
        'ironlb_membership_suspicions_raised_total',
        'Suspicions this member raised after a failed probe.',
        c.suspicionsRaised,
      ),
      counter(
        'ironlb_membership_deaths_declared_total',
        'Members this member declared dead.',
        c.deathsDeclared,
      ),
      counter(
        'ironlb_membership_refutations_total',
        'Suspicions about this member that it refuted.',
        c.refutations,
      ),
      counter(
        'ironlb_membership_gossip_entries_sent_total',
        'Membership news items sent.',
        c.gossipEntriesSent,
      ),
      {
        name: 'ironlb_membership_quorum_rounds_total',
        help: 'Quorum confirmation rounds by result.',
        type: 'counter',
        samples: [
          { labels: { result: 'confirmed' }, value: c.quorumRounds.confirmed },
          { labels: { result: 'failed' }, value: c.quorumRounds.failed },
        ],
      },
      {
        name: 'ironlb_membership_member_changes_total',
        help: 'Member status changes seen by this member, by new status and reason.',
        type: 'counter',
        samples: [...this.#changes.values()].map((x) => ({
          labels: { to: x.to, reason: x.reason },
          value: x.value,
        })),
      },
      {
        name: 'ironlb_membership_members',
        help: 'Configured members (this one excluded) by status.',
        type: 'gauge',
        samples: statuses.map((status) => ({
          labels: { status },
          value: view.members.filter((m) => m.status === status).length,
        })),
      },
      gauge(
        'ironlb_membership_quorum',
        '1 when this member sees a majority of members alive.',
        view.quorum.hasQuorum ? 1 : 0,
      ),
      gauge(
        'ironlb_membership_reachable_members',
        'Members alive in this view, this one included.',
        view.quorum.reachable,
      ),
      gauge(
        'ironlb_membership_local_health',
        'Lifeguard local health score (0 is healthy).',
        view.self.localHealth,
      ),
      gauge('ironlb_membership_incarnation', "This member's incarnation number.", view.self.incarnation),
    ];
  }
}
