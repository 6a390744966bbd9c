/**
 * Plain counters kept by the pure detector. The node layer adds them to its own (packets,
 * drops by reason) and exports both for Prometheus; see node/stats.ts for the metric names.
 */
export interface DetectorCounters {
  /** Probes started (one per protocol period). */
  probesStarted: number;
  /** Probe outcomes: direct ack, ack relayed by an intermediary, or no ack at all. */
  probeResults: { ack: number; indirectAck: number; failed: number };
  /** Indirect probe requests we sent (k per direct timeout). */
  pingReqsSent: number;
  /** Pings we sent on behalf of another member's indirect probe. */
  relayedPings: number;
  nacksSent: number;
  nacksReceived: number;
  /** Suspicions this member raised itself after a failed probe. */
  suspicionsRaised: number;
  /** Members this member declared dead because a suspicion timed out here. */
  deathsDeclared: number;
  /** Suspicions (or death notices) about this member that it refuted. */
  refutations: number;
  /** Gossip-only messages sent while news was pending. */
  gossipMessagesSent: number;
  /** Gossip entries piggybacked or pushed, in total. */
  gossipEntriesSent: number;
  /** Messages sent and received by type. */
  messagesSent: Record<string, number>;
  messagesReceived: Record<string, number>;
  /** Acks that matched no outstanding probe (usually late). */
  lateAcks: number;
  /** Messages the core refused, by reason. */
  dropped: { notForUs: number; unknownSender: number; selfSent: number; unknownTarget: number };
  /** Gossip entries about names that are not configured members (ignored). */
  gossipAboutStrangers: number;
  /** Quorum confirmation rounds, by outcome. */
  quorumRounds: { confirmed: number; failed: number };
}

export function newDetectorCounters(): DetectorCounters {
  return {
    probesStarted: 0,
    probeResults: { ack: 0, indirectAck: 0, failed: 0 },
    pingReqsSent: 0,
    relayedPings: 0,
    nacksSent: 0,
    nacksReceived: 0,
    suspicionsRaised: 0,
    deathsDeclared: 0,
    refutations: 0,
    gossipMessagesSent: 0,
    gossipEntriesSent: 0,
    messagesSent: {},
    messagesReceived: {},
    lateAcks: 0,
    dropped: { notForUs: 0, unknownSender: 0, selfSent: 0, unknownTarget: 0 },
    gossipAboutStrangers: 0,
    quorumRounds: { confirmed: 0, failed: 0 },
  };
}
