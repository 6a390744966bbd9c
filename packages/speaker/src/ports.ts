// The narrow interfaces the speaker drives (STYLE.md 2.8.10): each is implemented over the
// real thing in `node/` (the layer-2 announcer, BGP sessions with BFD, the membership agent,
// the API) and by recording fakes in `@ironlb/speaker/testing`.
import type { Advertisement } from '@ironlb/bgp';
import type { BfdProfileConfig, BgpPeerConfig, SpeakerBGPSession, SpeakerStatusStatus } from '@ironlb/config';

/** Layer 2: the addresses this node answers for, by interface (`'*'`: every selected one). */
export interface L2Port {
  /**
   * Desired state: the complete set every time. `unclaimed` lists new allocations, which are
   * probed before they are announced.
   */
  setOwned(owned: ReadonlyMap<string, readonly string[]>, options: { unclaimed: readonly string[] }): void;
  /**
   * Sends the gratuitous rounds again for addresses already owned (all when omitted): after a
   * partition heals, the neighbours may still point at a node that took them over meanwhile.
   */
  reannounce(ips?: readonly string[]): void;
  /** The MAC addresses of the interfaces in use (published in SpeakerStatus). */
  hardwareAddresses(): string[];
}

/** A BGP peer this node should have a session with, and its BFD profile if it names one. */
export interface PeerSpec {
  readonly peer: BgpPeerConfig;
  readonly bfd?: BfdProfileConfig;
}

/** What a BGP session looks like from outside, for status and metrics. */
export type PeerSessionStatus = SpeakerBGPSession;

/** BGP: one session per peer selecting this node, with BFD where the peer asks for it. */
export interface BgpPort {
  /**
   * Desired state: the peers to have sessions with (sessions of peers no longer listed are
   * stopped, changed peers are restarted). `node` gives the addresses a session may need
   * (router ID when the peer names none).
   */
  setPeers(peers: readonly PeerSpec[], node: { readonly ipv4?: string; readonly ipv6?: string }): void;
  /** Everything to advertise to `peer` (desired state). */
  setAdvertisements(peer: string, advertisements: readonly Advertisement[]): void;
  sessions(): PeerSessionStatus[];
}

/** A speaker as the API says it exists: node, and where its failure detector listens. */
export interface MemberSpec {
  readonly name: string;
  readonly address: string;
  readonly port?: number;
}

/** The failure detector among speakers. Changes come back through `Speaker.memberChanged` etc. */
export interface MembershipPort {
  setMembers(members: readonly MemberSpec[]): void;
}

/** SpeakerStatus of this node (the speaker rate-limits the calls). */
export interface StatusPort {
  write(status: SpeakerStatusStatus): Promise<void>;
}
