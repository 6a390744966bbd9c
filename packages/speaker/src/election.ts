// Layer-2 ownership without messages (STYLE.md 2.8.9, MetalLB `sortL2Candidates`): every
// speaker ranks the eligible nodes of an address the same way, and the first node that is up
// owns it. The ranking is rendezvous hashing: preference score first (descending), then
// sha256(node + "#" + key) ascending. So an address moves only when its owner goes down or a
// node that ranks above the owner comes up: the addresses of a failed node spread over the
// others, and nothing else moves.
//
// Pure and deterministic: the same inputs give the same ranking on every speaker. (It uses
// node:crypto's SHA-256, a pure function; no state, no I/O.)
import { hash } from 'node:crypto';
import { IPAddress } from '@ironlb/netaddr';

/** A node in an address's ranking. `hash` is the first 52 bits of the SHA-256, as a number. */
export interface RankedNode {
  readonly node: string;
  readonly score: number;
  readonly hash: number;
}

/** The election hash of (node, key): the first 13 hex digits (52 bits) of sha256(node#key). */
export function electionHash(node: string, key: string): number {
  return parseInt(hash('sha256', `${node}#${key}`, 'hex').slice(0, 13), 16);
}

export function compareRanked(a: RankedNode, b: RankedNode): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.hash !== b.hash) return a.hash - b.hash;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/**
 * Ranks `candidates` (node -> preference score) for election key `key`. `previous` is the last
 * ranking of the same key: hashes found there are reused, so re-ranking after a candidate
 * change hashes only the new nodes.
 */
export function rankNodes(
  key: string,
  candidates: ReadonlyMap<string, number>,
  previous?: readonly RankedNode[],
): RankedNode[] {
  const known = new Map<string, number>();
  for (const r of previous ?? []) known.set(r.node, r.hash);
  const out: RankedNode[] = [];
  for (const [node, score] of candidates)
    out.push({ node, score, hash: known.get(node) ?? electionHash(node, key) });
  return out.sort(compareRanked);
}

/** The first node of the ranking that is up, or undefined. */
export function electOwner(
  ranking: readonly RankedNode[],
  isUp: (node: string) => boolean,
): string | undefined {
  for (const r of ranking) if (isUp(r.node)) return r.node;
  return undefined;
}

/**
 * The election key of a group of addresses that must stay together (the addresses of a
 * dual-stack Service, and addresses shared between Services): the lowest IPv4 address, else
 * the lowest IPv6 address, as canonical text. Every address of the group is ranked with this
 * key, so with the same candidates they all elect the same node.
 */
export function electionKey(ips: Iterable<string>): string {
  let best: IPAddress | undefined;
  for (const text of ips) {
    const ip = IPAddress.parse(text);
    if (best === undefined || (ip.family !== best.family ? ip.family < best.family : ip.compare(best) < 0))
      best = ip;
  }
  if (best === undefined) throw new RangeError('electionKey: no addresses');
  return best.toString();
}
