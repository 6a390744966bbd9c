import { capabilitiesOf, type OpenMessage } from '../codec/open.js';
import type { Capability } from '../codec/capabilities.js';
import { afiOfFamily, familyOfAfi, type Family } from '../codec/prefix.js';
import { AS_TRANS, NotificationCode, OpenMessageSubcode, Safi } from '../constants.js';
import type { NotificationMessage } from '../codec/notification.js';
import type { FsmConfig, Negotiated } from './types.js';

/** Our OPEN (RFC 4271 §4.2): AS_TRANS in the 2-octet field when our ASN needs 4 (RFC 6793). */
export function buildOpen(config: FsmConfig, restarting: boolean): OpenMessage {
  const capabilities: Capability[] = [...config.capabilities];
  if (config.gracefulRestart) {
    // RFC 4724 §3: the F bit says forwarding state was kept across the restart. For a load
    // balancer speaker it always is: the data path (kube-proxy) keeps forwarding while the
    // speaker or its session restarts, so a router may keep our stale routes until End-of-RIB
    // instead of dropping them on reconnect (§4.2). R is set only on the first OPEN.
    capabilities.push({
      kind: 'gracefulRestart',
      restartState: restarting,
      notification: false,
      restartTime: config.gracefulRestart.restartTime,
      families: config.gracefulRestart.families.map((f) => ({
        afi: afiOfFamily(f),
        safi: Safi.Unicast,
        forwardingState: true,
      })),
    });
  }
  return {
    type: 'open',
    version: 4,
    myAutonomousSystem: config.localAs > 0xffff ? AS_TRANS : config.localAs,
    holdTime: config.holdTime,
    bgpIdentifier: config.bgpIdentifier,
    optionalParameters: [{ type: 'capabilities', capabilities }],
  };
}

export type OpenVerdict =
  | { readonly ok: true; readonly negotiated: Negotiated }
  | { readonly ok: false; readonly notification: NotificationMessage; readonly detail: string };

function reject(subcode: number, detail: string, data = new Uint8Array(0)): OpenVerdict {
  return {
    ok: false,
    notification: { type: 'notification', code: NotificationCode.OpenMessageError, subcode, data },
    detail,
  };
}

function familiesOf(caps: readonly Capability[]): Family[] {
  const out: Family[] = [];
  for (const c of caps) {
    if (c.kind === 'multiprotocol' && c.safi === Safi.Unicast) {
      const f = familyOfAfi(c.afi);
      if (f && !out.includes(f)) out.push(f);
    }
  }
  return out;
}

/**
 * RFC 4271 §6.2 OPEN checks against our configuration, then negotiation: the smaller hold
 * time, the 4-octet AS capability (RFC 6793 §4.1: its ASN wins over the 2-octet field), the
 * families both sides advertised (RFC 4760 §8), Extended Message (RFC 8654), route refresh and
 * graceful restart.
 */
export function checkOpen(open: OpenMessage, config: FsmConfig): OpenVerdict {
  if (open.version !== 4) {
    // Data: the largest version we support, 2 octets.
    return reject(
      OpenMessageSubcode.UnsupportedVersionNumber,
      `version ${open.version}`,
      Uint8Array.of(0, 4),
    );
  }
  const unknown = open.optionalParameters.find((p) => p.type === 'unknown');
  if (unknown && unknown.type === 'unknown') {
    return reject(
      OpenMessageSubcode.UnsupportedOptionalParameter,
      `optional parameter ${unknown.parameterType}`,
    );
  }
  const caps = capabilitiesOf(open);
  const four = caps.find((c) => c.kind === 'fourOctetAs');
  const peerAs = four?.kind === 'fourOctetAs' ? four.asn : open.myAutonomousSystem;
  const asData = Uint8Array.of(open.myAutonomousSystem >> 8, open.myAutonomousSystem & 0xff);
  if (peerAs === 0) return reject(OpenMessageSubcode.BadPeerAs, 'peer AS 0', asData);
  if (typeof config.peerAs === 'number' && peerAs !== config.peerAs) {
    return reject(OpenMessageSubcode.BadPeerAs, `peer AS ${peerAs}, expected ${config.peerAs}`, asData);
  }
  if (config.peerAs === 'internal' && peerAs !== config.localAs) {
    return reject(OpenMessageSubcode.BadPeerAs, `peer AS ${peerAs} is not internal`, asData);
  }
  if (config.peerAs === 'external' && peerAs === config.localAs) {
    return reject(OpenMessageSubcode.BadPeerAs, `peer AS ${peerAs} is not external`, asData);
  }
  if (open.holdTime === 1 || open.holdTime === 2) {
    return reject(OpenMessageSubcode.UnacceptableHoldTime, `hold time ${open.holdTime}`);
  }
  const internal = peerAs === config.localAs;
  // RFC 6286 §2.2: a BGP Identifier is a non-zero 4-octet value, distinct from ours within
  // an AS.
  if (open.bgpIdentifier === 0 || (internal && open.bgpIdentifier === config.bgpIdentifier)) {
    return reject(OpenMessageSubcode.BadBgpIdentifier, `BGP identifier ${open.bgpIdentifier}`);
  }
  const holdTime = Math.min(open.holdTime, config.holdTime);
  const keepaliveTime =
    holdTime === 0 ? 0 : Math.max(1, Math.min(config.keepaliveTime ?? Infinity, Math.floor(holdTime / 3)));
  const ours = config.capabilities;
  const has = (list: readonly Capability[], kind: Capability['kind']) => list.some((c) => c.kind === kind);
  const peerFamilies = caps.some((c) => c.kind === 'multiprotocol') ? familiesOf(caps) : [4 as Family];
  const ourFamilies = ours.some((c) => c.kind === 'multiprotocol') ? familiesOf(ours) : [4 as Family];
  return {
    ok: true,
    negotiated: {
      holdTime,
      keepaliveTime,
      peerAs,
      peerBgpIdentifier: open.bgpIdentifier,
      internal,
      fourOctetAs: four !== undefined && has(ours, 'fourOctetAs'),
      extendedMessage: has(caps, 'extendedMessage') && has(ours, 'extendedMessage'),
      routeRefresh: has(caps, 'routeRefresh') && has(ours, 'routeRefresh'),
      families: ourFamilies.filter((f) => peerFamilies.includes(f)),
      gracefulRestart: has(caps, 'gracefulRestart') && config.gracefulRestart !== undefined,
      peerCapabilities: caps,
    },
  };
}
