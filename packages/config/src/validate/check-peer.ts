// BGPPeer on its own: addresses, AS numbers, timers, password, multi-hop.
import { IPAddress } from '@ironlb/netaddr';
import type { BGPPeer, BGPPeerSpec } from '../crd/generated-types.js';
import type { BgpPeerConfig } from '../domain.js';
import { Findings, checkSelectors, checkStructure } from './common.js';
import { parseDuration } from './duration.js';

export interface PeerCheck {
  readonly findings: Findings;
  readonly config?: BgpPeerConfig;
}

/** Defaults of the BGP timers (seconds). */
export const bgpTimerDefaults = {
  holdTime: 90,
  connectTime: 10,
  gracefulRestartTime: 120,
} as const;

// RFC 6793 section 9: AS_TRANS must not be configured as a real AS. RFC 7300: the last AS
// numbers of the 2- and 4-octet spaces are reserved.
const RESERVED_ASNS = new Map([
  [23456, 'AS_TRANS (RFC 6793)'],
  [65535, 'reserved (RFC 7300)'],
  [4294967295, 'reserved (RFC 7300)'],
]);

function seconds(text: string | undefined, field: string, findings: Findings): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    findings.add(field, 'invalidTimer', `${field} "${text}" is not a duration`);
    return undefined;
  }
  if (ms % 1000 !== 0) {
    findings.add(field, 'invalidTimer', `${field} "${text}" is not a whole number of seconds`);
    return undefined;
  }
  return ms / 1000;
}

function address(text: string | undefined, field: string, findings: Findings): IPAddress | undefined {
  if (text === undefined) return undefined;
  const r = IPAddress.tryParse(text);
  if (!r.ok) findings.add(field, 'invalidAddress', `${field} "${text}": ${r.error.message}`);
  return r.ok ? r.value : undefined;
}

export function checkPeer(peer: BGPPeer): PeerCheck {
  const findings = new Findings({ kind: 'BGPPeer', name: peer.metadata?.name ?? '' });
  const spec = checkStructure<BGPPeerSpec>('BGPPeer', peer, findings);
  if (!spec) return { findings };

  for (const field of ['myASN', 'peerASN'] as const) {
    const why = RESERVED_ASNS.get(spec[field]);
    if (why) findings.add(`spec.${field}`, 'reservedASN', `spec.${field} ${spec[field]} is ${why}`);
  }
  const external = spec.myASN !== spec.peerASN;
  const peerAddress = address(spec.peerAddress, 'spec.peerAddress', findings);
  const sourceAddress = address(spec.sourceAddress, 'spec.sourceAddress', findings);
  const routerID = address(spec.routerID, 'spec.routerID', findings);
  if (peerAddress && sourceAddress && peerAddress.family !== sourceAddress.family)
    findings.add(
      'spec.sourceAddress',
      'addressFamilyMismatch',
      `spec.sourceAddress ${sourceAddress} is IPv${sourceAddress.family} but spec.peerAddress ${peerAddress} is IPv${peerAddress.family}`,
    );
  if (routerID && routerID.family !== 4)
    findings.add(
      'spec.routerID',
      'invalidAddress',
      'spec.routerID must be an IPv4 address (RFC 4271 BGP Identifier)',
    );

  const hold = seconds(spec.holdTime, 'spec.holdTime', findings);
  const keepalive = seconds(spec.keepaliveTime, 'spec.keepaliveTime', findings);
  const connect = seconds(spec.connectTime, 'spec.connectTime', findings);
  const restart = seconds(spec.gracefulRestartTime, 'spec.gracefulRestartTime', findings);
  // RFC 4271 section 4.2: the hold time is 0 or at least 3 seconds.
  if (hold !== undefined && hold !== 0 && (hold < 3 || hold > 65535))
    findings.add('spec.holdTime', 'invalidTimer', `spec.holdTime ${spec.holdTime} must be 0 or 3s to 65535s`);
  const holdTimeSeconds = hold ?? (keepalive !== undefined ? keepalive * 3 : bgpTimerDefaults.holdTime);
  const keepaliveTimeSeconds = keepalive ?? Math.floor(holdTimeSeconds / 3);
  if (keepalive !== undefined) {
    if (holdTimeSeconds === 0 && keepalive !== 0)
      findings.add(
        'spec.keepaliveTime',
        'invalidTimer',
        'spec.keepaliveTime must be 0 when spec.holdTime is 0',
      );
    else if (keepalive > holdTimeSeconds)
      findings.add(
        'spec.keepaliveTime',
        'invalidTimer',
        `spec.keepaliveTime ${spec.keepaliveTime} is longer than the hold time (${holdTimeSeconds}s)`,
      );
    else if (hold === undefined && holdTimeSeconds > 65535)
      findings.add(
        'spec.keepaliveTime',
        'invalidTimer',
        `spec.keepaliveTime ${spec.keepaliveTime} makes the default hold time (3 x) exceed 65535s`,
      );
  }
  if (connect !== undefined && (connect < 1 || connect > 65535))
    findings.add(
      'spec.connectTime',
      'invalidTimer',
      `spec.connectTime ${spec.connectTime} must be 1s to 65535s`,
    );
  // RFC 4724 section 3: Restart Time is a 12-bit field.
  if (restart !== undefined && (restart < 1 || restart > 4095))
    findings.add(
      'spec.gracefulRestartTime',
      'invalidTimer',
      `spec.gracefulRestartTime ${spec.gracefulRestartTime} must be 1s to 4095s`,
    );

  if (spec.password !== undefined && spec.passwordSecret !== undefined)
    findings.add(
      'spec.passwordSecret',
      'passwordConflict',
      'set either spec.password or spec.passwordSecret, not both',
    );
  if (spec.ebgpMultiHop && !external)
    findings.add(
      'spec.ebgpMultiHop',
      'multiHopOnIBGP',
      `spec.ebgpMultiHop is for eBGP, but myASN and peerASN are both ${spec.myASN} (iBGP)`,
    );
  checkSelectors(spec.nodeSelectors, 'spec.nodeSelectors', findings);
  if (findings.hasErrors || !peerAddress) return { findings };

  const config: BgpPeerConfig = {
    name: peer.metadata.name,
    myASN: spec.myASN,
    peerASN: spec.peerASN,
    external,
    peerAddress,
    peerPort: spec.peerPort ?? 179,
    ...(sourceAddress ? { sourceAddress } : {}),
    ...(routerID ? { routerID } : {}),
    holdTimeSeconds,
    keepaliveTimeSeconds,
    connectTimeSeconds: connect ?? bgpTimerDefaults.connectTime,
    ...(spec.password !== undefined
      ? { password: { kind: 'inline', password: spec.password } as const }
      : {}),
    ...(spec.passwordSecret
      ? {
          password: {
            kind: 'secret',
            name: spec.passwordSecret.name,
            ...(spec.passwordSecret.namespace ? { namespace: spec.passwordSecret.namespace } : {}),
            key: 'password',
          } as const,
        }
      : {}),
    ebgpMultiHop: spec.ebgpMultiHop ?? false,
    ...(spec.enableGracefulRestart
      ? { gracefulRestart: { restartTimeSeconds: restart ?? bgpTimerDefaults.gracefulRestartTime } }
      : {}),
    ...(spec.bfdProfile ? { bfdProfile: spec.bfdProfile } : {}),
    nodeSelectors: [...(spec.nodeSelectors ?? [])],
    dualStackAddressFamily: spec.dualStackAddressFamily ?? false,
  };
  return { findings, config };
}
