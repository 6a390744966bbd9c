// Problems found in the configuration. The reasons are API: they become the reason of the
// `Valid=False` condition, Event reasons, metric labels and log fields.
import type { KindName } from './crd/definitions.js';

export type Severity = 'error' | 'warning';

/**
 * Every problem reason, with its severity and meaning. An `error` makes the object invalid
 * (its last valid version stays in effect); a `warning` is reported but the object is used.
 */
export const problemReasons = {
  schemaViolation: {
    severity: 'error',
    description:
      'A field breaks the CRD schema (wrong type, missing required field, value out of range or not matching its ' +
      'format). The API server rejects most of these at apply time; the controller checks again.',
  },
  invalidAddress: {
    severity: 'error',
    description:
      'An address, CIDR or range does not parse (e.g. a range whose start is after its end, a CIDR with host bits set, ' +
      'mixed families, an IPv4-mapped IPv6 address).',
  },
  overlappingAddresses: {
    severity: 'error',
    description:
      'Addresses overlap another entry of the same pool or another pool. Between two pools, the one that was already ' +
      'in use keeps the addresses (else the older one); the other is rejected.',
  },
  reservedOutsidePool: {
    severity: 'warning',
    description: "A reserved address is not inside the pool's addresses, so reserving it has no effect.",
  },
  noUsableAddresses: {
    severity: 'warning',
    description: 'Reserved addresses cover every address of the pool, so it can hand out nothing.',
  },
  duplicateEntry: {
    severity: 'warning',
    description: 'A selector appears twice in a list; the repetition is ignored.',
  },
  invalidSelector: {
    severity: 'error',
    description:
      'A label selector is malformed: a bad label key or value, `In`/`NotIn` without values, or ' +
      '`Exists`/`DoesNotExist` with values.',
  },
  missingPool: {
    severity: 'error',
    description: 'An advertisement names an IPAddressPool that does not exist or is not valid.',
  },
  noMatchingPools: {
    severity: 'warning',
    description: "An advertisement's pool selectors match no IPAddressPool, so it announces nothing for now.",
  },
  missingPeer: {
    severity: 'error',
    description: 'A BGPAdvertisement names a BGPPeer that does not exist or is not valid.',
  },
  missingBFDProfile: {
    severity: 'error',
    description: 'A BGPPeer names a BFDProfile that does not exist or is not valid.',
  },
  aggregationLengthTooShort: {
    severity: 'error',
    description:
      "A BGPAdvertisement's aggregation length is shorter than the prefix length of a CIDR of a selected pool, so " +
      'the aggregate would cover addresses outside the pool.',
  },
  selectorsWithAggregation: {
    severity: 'error',
    description:
      'A BGPAdvertisement has service selectors and an aggregation length other than the default: an aggregate ' +
      'covers Services of any label.',
  },
  localPrefOnEBGP: {
    severity: 'warning',
    description:
      'A BGPAdvertisement sets localPref but goes to an eBGP peer, where LOCAL_PREF is not sent (RFC 4271 section 5.1.5).',
  },
  localPrefConflict: {
    severity: 'error',
    description:
      'Two BGPAdvertisements send the same pool to the same peer from the same nodes with different localPref values.',
  },
  invalidTimer: {
    severity: 'error',
    description:
      'A BGP timer is out of range or inconsistent: hold time not 0 and under 3 s or above 65535 s, keepalive ' +
      'longer than the hold time, connect time or graceful restart time out of range, not whole seconds.',
  },
  reservedASN: {
    severity: 'error',
    description:
      'An AS number that must not be used: 23456 (AS_TRANS, RFC 6793), 65535 or 4294967295 (RFC 7300).',
  },
  passwordConflict: {
    severity: 'error',
    description: 'A BGPPeer sets both password and passwordSecret.',
  },
  multiHopOnIBGP: {
    severity: 'error',
    description: 'ebgpMultiHop is set on an iBGP peer (same AS), where it has no meaning.',
  },
  addressFamilyMismatch: {
    severity: 'error',
    description: "A BGPPeer's sourceAddress is not of the same family as its peerAddress.",
  },
  duplicatePeer: {
    severity: 'error',
    description:
      'Two BGPPeers have the same address and port and the same node selectors, so a node would open two sessions ' +
      'to one router. The one already in use (else the older one) is kept.',
  },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type ProblemReason = keyof typeof problemReasons;

/** One problem: which object and field, why, and a message for humans. */
export interface Problem {
  readonly kind: KindName;
  readonly name: string;
  /** A path into the object, e.g. `spec.addresses[1]`; empty for the whole object. */
  readonly field: string;
  readonly reason: ProblemReason;
  readonly severity: Severity;
  readonly message: string;
}

export function problem(
  target: { kind: KindName; name: string },
  field: string,
  reason: ProblemReason,
  message: string,
): Problem {
  return {
    kind: target.kind,
    name: target.name,
    field,
    reason,
    severity: problemReasons[reason].severity,
    message,
  };
}
