import { IPAddress } from '@ironlb/netaddr';
import type { Capability } from '../core/codec/capabilities.js';
import type { Family } from '../core/codec/prefix.js';
import { Afi, Safi } from '../core/constants.js';
import { BgpError, BgpErrorCode } from '../core/errors.js';
import type { DampingConfig, FsmConfig } from '../core/fsm/types.js';
import type { Clock } from './clock.js';
import type { BgpLogger } from './logger.js';
import type { Dialer, TcpSocketOptions } from './transport.js';

/** Configuration of one BGP session (one peer). Times are seconds. */
export interface BgpSessionOptions {
  readonly localAs: number;
  /** The peer's ASN, or `'internal'` / `'external'` to accept any ASN equal to / other than ours. */
  readonly peerAs: number | 'internal' | 'external';
  /** Our BGP Identifier, an IPv4 address (RFC 6286). */
  readonly routerId: string;
  readonly peerAddress: string;
  /** Default 179. */
  readonly peerPort?: number;
  /** Source address of the TCP connection. */
  readonly localAddress?: string;
  readonly localPort?: number;
  /** Proposed hold time, 0 or 3..65535. Default 90 (RFC 4271 §10). */
  readonly holdTime?: number;
  /** Default: a third of the negotiated hold time. */
  readonly keepaliveTime?: number;
  /** ConnectRetryTime (RFC 4271 §8). Default 10 (as `BGPPeer.connectTime`). */
  readonly connectRetryTime?: number;
  /** TCP connect timeout. Default 10. */
  readonly connectTimeout?: number;
  /** Do not dial: wait for the peer to connect through a `BgpListener`. */
  readonly passive?: boolean;
  /** TCP-MD5 signature password (RFC 2385). Needs `@ironlb/sys`. */
  readonly password?: string;
  /**
   * TTL of our packets: 1 for a directly connected eBGP peer (as FRR does), 255 for
   * `BGPPeer.ebgpMultiHop`. Left to the kernel default when absent. Needs `@ironlb/sys`.
   */
  readonly ebgpMultihop?: number;
  /** GTSM (RFC 5082): send with TTL 255, accept only TTL >= 256 - hops. Needs `@ironlb/sys`. */
  readonly ttlSecurity?: { readonly hops: number };
  /** Address families to negotiate. Default both. */
  readonly families?: readonly ('ipv4' | 'ipv6')[];
  /** Advertise Extended Message (RFC 8654). Default true. */
  readonly extendedMessage?: boolean;
  /**
   * Graceful restart as the restarting speaker (RFC 4724): advertise the capability with this
   * Restart Time (0..4095 s; 120 is usual). Off when absent (as `BGPPeer.enableGracefulRestart`).
   */
  readonly gracefulRestart?: { readonly restartTime: number } | false;
  /**
   * Set the Restart State bit in the first OPEN of this session object: this process has
   * restarted and the peer may hold our routes as stale. Default true when graceful restart
   * is on.
   */
  readonly restarting?: boolean;
  /** Next hops for "next-hop-self" routes; default the local address of the TCP connection. */
  readonly nextHop?: { readonly ipv4?: string; readonly ipv6?: string; readonly ipv6LinkLocal?: string };
  readonly damping?: Partial<DampingConfig>;
  /**
   * `@ironlb/sys` (`await import('@ironlb/sys')`): needed for `password`, `ebgpMultihop` and
   * `ttlSecurity`. Without it the session dials with Node's `net`.
   */
  readonly socketOptions?: TcpSocketOptions;
  /** Replaces the TCP dialer altogether (tests use `MemoryNetwork`). */
  readonly dialer?: Dialer;
  readonly clock?: Clock;
  readonly logger?: BgpLogger;
}

function invalid(message: string): BgpError {
  return new BgpError(BgpErrorCode.config, message);
}

function ipv4Number(text: string, what: string): number {
  const parsed = IPAddress.tryParse(text);
  if (!parsed.ok || parsed.value.family !== 4)
    throw invalid(`${what} must be an IPv4 address, got ${JSON.stringify(text)}`);
  return Number(parsed.value.value);
}

export function familiesOf(options: BgpSessionOptions): Family[] {
  return (options.families ?? ['ipv4', 'ipv6']).map((f) => (f === 'ipv4' ? 4 : 6));
}

/** Validates the options and derives the FSM configuration. Throws `ERR_IRONLB_BGP_CONFIG`. */
export function fsmConfigOf(o: BgpSessionOptions): FsmConfig {
  const asn = (n: number) => Number.isInteger(n) && n > 0 && n <= 0xffffffff;
  if (!asn(o.localAs)) throw invalid(`localAs ${o.localAs} is not an ASN`);
  if (typeof o.peerAs === 'number' && !asn(o.peerAs)) throw invalid(`peerAs ${o.peerAs} is not an ASN`);
  const holdTime = o.holdTime ?? 90;
  if (!Number.isInteger(holdTime) || holdTime < 0 || holdTime > 65535 || holdTime === 1 || holdTime === 2) {
    throw invalid(`holdTime ${holdTime}: must be 0 or 3..65535`);
  }
  if (o.gracefulRestart && (o.gracefulRestart.restartTime < 0 || o.gracefulRestart.restartTime > 4095)) {
    throw invalid('gracefulRestart.restartTime must be 0..4095');
  }
  const needsSys = o.password !== undefined || o.ebgpMultihop !== undefined || o.ttlSecurity !== undefined;
  if (needsSys && !o.socketOptions && !o.dialer) {
    throw invalid('password, ebgpMultihop and ttlSecurity need socketOptions (the @ironlb/sys module)');
  }
  if (!IPAddress.tryParse(o.peerAddress.split('%')[0]!).ok)
    throw invalid(`peerAddress ${o.peerAddress} is not an IP address`);
  const families = familiesOf(o);
  if (families.length === 0) throw invalid('families must not be empty');
  const capabilities: Capability[] = families.map((f) => ({
    kind: 'multiprotocol',
    afi: f === 4 ? Afi.IPv4 : Afi.IPv6,
    safi: Safi.Unicast,
  }));
  capabilities.push({ kind: 'routeRefresh' }, { kind: 'fourOctetAs', asn: o.localAs });
  if (o.extendedMessage ?? true) capabilities.push({ kind: 'extendedMessage' });
  const gr = o.gracefulRestart;
  return {
    localAs: o.localAs,
    peerAs: o.peerAs,
    bgpIdentifier: ipv4Number(o.routerId, 'routerId'),
    holdTime,
    ...(o.keepaliveTime !== undefined ? { keepaliveTime: o.keepaliveTime } : {}),
    connectRetryTime: o.connectRetryTime ?? 10,
    passive: o.passive ?? false,
    capabilities,
    ...(gr ? { gracefulRestart: { restartTime: gr.restartTime, families } } : {}),
    damping: {
      initialIdleHoldTime: o.damping?.initialIdleHoldTime ?? 1,
      maxIdleHoldTime: o.damping?.maxIdleHoldTime ?? 120,
      stableTime: o.damping?.stableTime ?? 60,
    },
  };
}

export function parseOptionalAddress(
  text: string | undefined,
  family: Family,
  what: string,
): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const parsed = IPAddress.tryParse(text);
  if (!parsed.ok || parsed.value.family !== family) throw invalid(`${what} must be an IPv${family} address`);
  return parsed.value.toBytes();
}
