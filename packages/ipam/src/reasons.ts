/**
 * Why an allocation request or a restored allocation was refused. The strings are API: the
 * controller uses them unchanged as Kubernetes Event reasons, condition reasons, metric labels
 * and log fields.
 */
export const AllocationReason = {
  /** No pool may serve the request: none with autoAssign whose scope admits the Service. */
  noMatchingPool: 'noMatchingPool',
  /** The chosen pool(s) have the family but no free (or shareable) address left. */
  poolExhausted: 'poolExhausted',
  /** A requested address is in no pool, not in the named pool, or the addresses span two pools. */
  ipNotInPool: 'ipNotInPool',
  /** A requested address is a reserved address of its pool, or a .0/.255 one with avoidBuggyIPs. */
  ipReserved: 'ipReserved',
  /** A requested address is held by a Service that does not share (no or another sharing key). */
  ipInUse: 'ipInUse',
  /** Same sharing key, but the ports overlap or the backend keys differ. */
  sharingConflict: 'sharingConflict',
  /** No candidate pool has an address of the family (or, for RequireDualStack, of both). */
  familyUnavailable: 'familyUnavailable',
  /** The pool's scope excludes the Service's namespace; applies to explicit requests too. */
  poolNotAllowedForNamespace: 'poolNotAllowedForNamespace',
  /** The pool's service selectors do not match the Service's labels. */
  poolNotAllowedForService: 'poolNotAllowedForService',
  /** The named pool does not exist. */
  unknownPool: 'unknownPool',
  /** The request itself is malformed (unparsable address, three addresses, two of a family...). */
  invalidRequest: 'invalidRequest',
} as const;
export type AllocationReason = (typeof AllocationReason)[keyof typeof AllocationReason];

/** Why a pool set was refused as a whole by `setPools` (the previous set stays in effect). */
export const PoolSetReason = {
  /** A pool is malformed: empty or duplicate name, an address entry that does not parse. */
  invalidPool: 'invalidPool',
  /** Two pools share an address. */
  poolsOverlap: 'poolsOverlap',
} as const;
export type PoolSetReason = (typeof PoolSetReason)[keyof typeof PoolSetReason];

/** A refused operation: a stable reason and a sentence for people. */
export interface Failure<R extends string = AllocationReason> {
  readonly ok: false;
  readonly reason: R;
  readonly detail: string;
}

export function fail<R extends string>(reason: R, detail: string): Failure<R> {
  return { ok: false, reason, detail };
}
