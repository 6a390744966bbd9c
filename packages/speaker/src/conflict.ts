// A layer-2 conflict: another MAC answers for an address this node announces. Two speakers
// disagree on who is alive (a membership partition) or a host that is not a speaker uses the
// address. The rule is deterministic, so both speakers reach the same answer without talking:
// the one that ranks higher for the address keeps it, the other stands back for a while
// (`yielded`). A host that is no speaker is defended against and reported.

export type ConflictResolution =
  /** The other MAC belongs to a speaker that ranks higher: stop announcing for a while. */
  | { readonly action: 'yield'; readonly to: string }
  /** Keep announcing (the announcer already sent a defending round). */
  | {
      readonly action: 'defend';
      readonly other: string | undefined;
      readonly why: 'ranksLower' | 'notASpeaker' | 'notRanked';
    };

export interface ConflictContext {
  readonly self: string;
  /** MAC (lower case) -> node, from the SpeakerStatus objects. */
  readonly macOwners: ReadonlyMap<string, string>;
  /** Negative when this node ranks above `other` for `ip`; undefined when either is unranked. */
  readonly compareRank: (ip: string, other: string) => number | undefined;
}

export function resolveConflict(ip: string, mac: string, ctx: ConflictContext): ConflictResolution {
  const other = ctx.macOwners.get(mac.toLowerCase());
  if (other === undefined || other === ctx.self) return { action: 'defend', other, why: 'notASpeaker' };
  const cmp = ctx.compareRank(ip, other);
  if (cmp === undefined) return { action: 'defend', other, why: 'notRanked' };
  return cmp > 0 ? { action: 'yield', to: other } : { action: 'defend', other, why: 'ranksLower' };
}
