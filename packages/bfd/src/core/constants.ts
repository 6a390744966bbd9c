/**
 * BFD protocol constants (RFC 5880 section 4.1, RFC 5881 section 4), as `as const` objects
 * with the RFC's names and a name lookup for logs.
 */

/** Session states, the `Sta` field (RFC 5880 section 4.1). */
export const BfdState = {
  AdminDown: 0,
  Down: 1,
  Init: 2,
  Up: 3,
} as const;
export type BfdState = (typeof BfdState)[keyof typeof BfdState];
export type BfdStateName = keyof typeof BfdState;

const stateNames = ['AdminDown', 'Down', 'Init', 'Up'] as const;

export function stateName(state: number): BfdStateName | `unknown(${number})` {
  return stateNames[state] ?? `unknown(${state})`;
}

/** Diagnostic codes, the `Diag` field (RFC 5880 section 4.1). */
export const Diagnostic = {
  NoDiagnostic: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;
export type Diagnostic = (typeof Diagnostic)[keyof typeof Diagnostic];

/**
 * Stable camelCase reason strings for diagnostics: these are what session Down events,
 * logs and metrics carry (ARCHITECTURE.md: reasons are API).
 */
const diagnosticReasons = [
  'noDiagnostic',
  'controlDetectionTimeExpired',
  'echoFunctionFailed',
  'neighborSignaledSessionDown',
  'forwardingPlaneReset',
  'pathDown',
  'concatenatedPathDown',
  'administrativelyDown',
  'reverseConcatenatedPathDown',
] as const;
export type DiagnosticReason = (typeof diagnosticReasons)[number] | `diagnostic${number}`;

export function diagnosticReason(diag: number): DiagnosticReason {
  return diagnosticReasons[diag] ?? `diagnostic${diag}`;
}

/** Authentication types, the `Auth Type` field (RFC 5880 section 4.1). */
export const AuthType = {
  Reserved: 0,
  SimplePassword: 1,
  KeyedMD5: 2,
  MeticulousKeyedMD5: 3,
  KeyedSHA1: 4,
  MeticulousKeyedSHA1: 5,
} as const;
export type AuthType = (typeof AuthType)[keyof typeof AuthType];

const authTypeNames = [
  'Reserved',
  'SimplePassword',
  'KeyedMD5',
  'MeticulousKeyedMD5',
  'KeyedSHA1',
  'MeticulousKeyedSHA1',
] as const;

export function authTypeName(type: number): string {
  return authTypeNames[type] ?? `unknown(${type})`;
}

/** `'KeyedSHA1'` -> 4, as the BFDProfile resource spells the types; undefined if unknown. */
export function authTypeFromName(name: string): AuthType | undefined {
  const i = authTypeNames.indexOf(name as (typeof authTypeNames)[number]);
  return i > 0 ? (i as AuthType) : undefined;
}

/** RFC 5881 section 4 and RFC 5880 constants. */
export const BfdConstants = {
  /** The only protocol version (RFC 5880 section 4.1). */
  Version: 1,
  /** Destination port of single-hop control packets (RFC 5881 section 4). */
  ControlPort: 3784,
  /** Destination port of echo packets (RFC 5881 section 4); echo is not implemented. */
  EchoPort: 3785,
  /** Source ports of control packets (RFC 5881 section 4). */
  SourcePortMin: 49152,
  SourcePortMax: 65535,
  /** TTL / hop limit sent and required on receipt for single hop (RFC 5881 section 5). */
  SingleHopTtl: 255,
  /** Length of the mandatory section (RFC 5880 section 4.1). */
  MandatoryLength: 24,
  /** The slowest transmit rate allowed while a session is not Up (RFC 5880 section 6.8.3). */
  SlowTxIntervalUs: 1_000_000,
} as const;
