/**
 * Protocol numbers of BGP-4 as `as const` objects with the RFC names, and name lookups for
 * logs (dns-packet style). Sources: RFC 4271 §4, RFC 4760, RFC 5492, RFC 6793, RFC 2918,
 * RFC 4724, RFC 8654, RFC 4486, RFC 6608, RFC 7313, RFC 8538, RFC 9384 and the IANA registries.
 */

/** RFC 4271 §4.1: the message types. ROUTE-REFRESH is RFC 2918. */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Fixed sizes from RFC 4271 §4 and RFC 8654. */
export const MessageLength = {
  header: 19,
  marker: 16,
  minOpen: 29,
  minUpdate: 23,
  keepalive: 19,
  minNotification: 21,
  routeRefresh: 23,
  /** RFC 4271 §4.1 maximum. */
  max: 4096,
  /** RFC 8654 maximum once both sides advertised the Extended Message capability. */
  maxExtended: 65535,
} as const;

/** RFC 4271 §4.5 error codes; 7 is RFC 7313. */
export const NotificationCode = {
  MessageHeaderError: 1,
  OpenMessageError: 2,
  UpdateMessageError: 3,
  HoldTimerExpired: 4,
  FiniteStateMachineError: 5,
  Cease: 6,
  RouteRefreshMessageError: 7,
} as const;
export type NotificationCode = (typeof NotificationCode)[keyof typeof NotificationCode];

/** RFC 4271 §6.1. */
export const MessageHeaderSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

/** RFC 4271 §6.2, RFC 5492 §5 (7), RFC 9234 (11). */
export const OpenMessageSubcode = {
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
  RoleMismatch: 11,
} as const;

/** RFC 4271 §6.3. */
export const UpdateMessageSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** RFC 6608. */
export const FsmErrorSubcode = {
  UnspecifiedError: 0,
  ReceiveUnexpectedMessageInOpenSent: 1,
  ReceiveUnexpectedMessageInOpenConfirm: 2,
  ReceiveUnexpectedMessageInEstablished: 3,
} as const;

/** RFC 4486, RFC 8538 (9), RFC 9384 (10). */
export const CeaseSubcode = {
  MaximumNumberOfPrefixesReached: 1,
  AdministrativeShutdown: 2,
  PeerDeConfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
  BfdDown: 10,
} as const;

/** RFC 7313 §5. */
export const RouteRefreshSubcode = {
  InvalidMessageLength: 1,
} as const;

const codeNames: Record<number, string> = invert(NotificationCode);
const subcodeNames: Record<number, Record<number, string>> = {
  1: invert(MessageHeaderSubcode),
  2: invert(OpenMessageSubcode),
  3: invert(UpdateMessageSubcode),
  5: invert(FsmErrorSubcode),
  6: invert(CeaseSubcode),
  7: invert(RouteRefreshSubcode),
};

/** `"Cease/AdministrativeShutdown"`, `"UpdateMessageError/MalformedAsPath"`, for logs. */
export function notificationName(code: number, subcode: number): string {
  const c = codeNames[code] ?? `code${code}`;
  const s = subcodeNames[code]?.[subcode] ?? (subcode === 0 ? 'Unspecific' : `subcode${subcode}`);
  return `${c}/${s}`;
}

/** RFC 4271 §4.3 and the IANA "BGP Path Attributes" registry. */
export const AttributeType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
} as const;
export type AttributeTypeName = keyof typeof AttributeType;

/** RFC 4271 §4.3 attribute flag bits. */
export const AttributeFlag = {
  Optional: 0x80,
  Transitive: 0x40,
  Partial: 0x20,
  ExtendedLength: 0x10,
} as const;

/** RFC 4271 §5.1.1. */
export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

/** RFC 4271 §4.3 and RFC 5065 §3 AS_PATH segment types. */
export const AsPathSegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;

/** IANA Address Family Numbers used here. */
export const Afi = { IPv4: 1, IPv6: 2 } as const;
/** IANA SAFI values used here. */
export const Safi = { Unicast: 1 } as const;

/** RFC 5492 and the IANA "Capability Codes" registry. */
export const CapabilityCode = {
  MultiprotocolExtensions: 1,
  RouteRefresh: 2,
  ExtendedNextHopEncoding: 5,
  ExtendedMessage: 6,
  GracefulRestart: 64,
  FourOctetAs: 65,
  AddPath: 69,
  EnhancedRouteRefresh: 70,
  LongLivedGracefulRestart: 71,
  Fqdn: 73,
} as const;

/** RFC 5492 §4: the Optional Parameter type that carries capabilities. */
export const OptionalParameterType = { Capabilities: 2 } as const;

/** RFC 6793 §9: the 2-octet stand-in for a 4-octet ASN. */
export const AS_TRANS = 23456;

/** RFC 1997 well-known communities. */
export const WellKnownCommunity = {
  NO_EXPORT: 0xffffff01,
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
  NOPEER: 0xffffff04,
} as const;

function invert(o: Record<string, number>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [k, v] of Object.entries(o)) out[v] = k;
  return out;
}
