// The configuration as the controller and speakers use it: parsed, defaulted, references
// resolved, in plain types with no Kubernetes wrapping. Produced by buildConfig() from the
// custom resources in effect.
import type { IPAddress, IPRange, Prefix } from '@ironlb/netaddr';
import type { LabelSelector } from './crd/generated-types.js';

/** An IPAddressPool in effect. */
export interface PoolConfig {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.addresses`, one range per entry, in the order written. */
  readonly ranges: readonly IPRange[];
  /** The same addresses as CIDR prefixes (a range becomes the prefixes that cover it exactly). */
  readonly prefixes: readonly Prefix[];
  /** `spec.reservedAddresses`: never handed out. */
  readonly reserved: readonly IPRange[];
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  /** Absent when the pool is not scoped (`spec.serviceAllocation` unset). */
  readonly serviceAllocation?: {
    readonly priority?: number;
    readonly namespaces: readonly string[];
    readonly namespaceSelectors: readonly LabelSelector[];
    readonly serviceSelectors: readonly LabelSelector[];
  };
}

/** Where a BGP session's TCP MD5 key comes from. The speaker resolves Secrets itself. */
export type PasswordSource =
  | { readonly kind: 'inline'; readonly password: string }
  | { readonly kind: 'secret'; readonly name: string; readonly namespace?: string; readonly key: 'password' };

/** A BGPPeer in effect. Times are whole seconds. */
export interface BgpPeerConfig {
  readonly name: string;
  readonly myASN: number;
  readonly peerASN: number;
  /** peerASN differs from myASN. */
  readonly external: boolean;
  readonly peerAddress: IPAddress;
  readonly peerPort: number;
  readonly sourceAddress?: IPAddress;
  readonly routerID?: IPAddress;
  /** 0: no keepalives, no hold timer. */
  readonly holdTimeSeconds: number;
  readonly keepaliveTimeSeconds: number;
  readonly connectTimeSeconds: number;
  readonly password?: PasswordSource;
  readonly ebgpMultiHop: boolean;
  /** Present when graceful restart is enabled. */
  readonly gracefulRestart?: { readonly restartTimeSeconds: number };
  /** Name of a BFDProfile in `bfdProfiles`. */
  readonly bfdProfile?: string;
  readonly nodeSelectors: readonly LabelSelector[];
  readonly dualStackAddressFamily: boolean;
}

/** An RFC 8092 large community. */
export interface LargeCommunity {
  readonly globalAdministrator: number;
  readonly localData1: number;
  readonly localData2: number;
}

/** A BGPAdvertisement in effect, with its pool and peer references resolved. */
export interface BgpAdvertisementConfig {
  readonly name: string;
  /** Names of the pools it advertises (resolved from names and selectors). */
  readonly pools: readonly string[];
  /** Names of the peers it advertises to (all peers in effect when the spec lists none). */
  readonly peers: readonly string[];
  readonly aggregationLength: number;
  readonly aggregationLengthV6: number;
  /** Sent to iBGP peers only. */
  readonly localPref?: number;
  /** RFC 1997 communities as 32-bit values (well-known names translated). */
  readonly communities: readonly number[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly nodeSelectors: readonly LabelSelector[];
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface PreferredNode {
  readonly weight: number;
  readonly preference: LabelSelector;
}

/** An L2Advertisement in effect, with its pool references resolved. */
export interface L2AdvertisementConfig {
  readonly name: string;
  readonly pools: readonly string[];
  readonly nodeSelectors: readonly LabelSelector[];
  readonly preferredNodes: readonly PreferredNode[];
  /** Empty: all interfaces. */
  readonly interfaces: readonly string[];
  readonly serviceSelectors: readonly LabelSelector[];
}

/** A BFDProfile in effect. Intervals in milliseconds. */
export interface BfdProfileConfig {
  readonly name: string;
  readonly receiveIntervalMs: number;
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
  readonly echoMode: boolean;
  readonly echoIntervalMs: number;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
  readonly authentication?: {
    readonly type: 'SimplePassword' | 'KeyedMD5' | 'MeticulousKeyedMD5' | 'KeyedSHA1' | 'MeticulousKeyedSHA1';
    readonly keyID: number;
    readonly secret: { readonly name: string; readonly namespace?: string; readonly key: string };
  };
}

/** What a speaker needs, every list sorted by name. */
export interface SpeakerConfig {
  readonly pools: readonly PoolConfig[];
  readonly bgpPeers: readonly BgpPeerConfig[];
  readonly bgpAdvertisements: readonly BgpAdvertisementConfig[];
  readonly l2Advertisements: readonly L2AdvertisementConfig[];
  readonly bfdProfiles: readonly BfdProfileConfig[];
}
