/** The probe in progress (one per protocol period). */
export interface ActiveProbe {
  id: number;
  target: string;
  directDeadline: number;
  endAt: number;
  indirectSent: boolean;
  intermediaries: Set<string>;
  nackers: Set<string>;
  acked: boolean;
}

/** Acks we are waiting for, by probe id. */
export type Awaiting =
  | { kind: 'probe'; expiresAt: number }
  | {
      kind: 'relay';
      requester: string;
      requesterProbeId: number;
      target: string;
      nackAt: number;
      nackSent: boolean;
      expiresAt: number;
    }
  /** A ping at start, to a new member, or to a dead one: any ack is just evidence of life. */
  | { kind: 'contact'; target: string; expiresAt: number }
  /** A ping of a quorum confirmation round. */
  | { kind: 'quorum'; round: number; target: string; expiresAt: number };
