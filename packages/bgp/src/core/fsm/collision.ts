/**
 * RFC 4271 §6.8 connection collision: when two connections to the same peer have both
 * received an OPEN, the one initiated by the speaker with the higher BGP Identifier survives
 * (identifiers compared as unsigned 32-bit integers). RFC 6286 §2.3: with equal identifiers,
 * the connection initiated by the speaker with the larger AS number survives.
 *
 * Returns which of our two connections to keep: the one we dialled (`outgoing`) or the one
 * the peer dialled (`incoming`).
 */
export function connectionToKeep(
  local: { id: number; asn: number },
  remote: { id: number; asn: number },
): 'outgoing' | 'incoming' {
  const l = local.id >>> 0;
  const r = remote.id >>> 0;
  if (l !== r) return l > r ? 'outgoing' : 'incoming';
  return local.asn >= remote.asn ? 'outgoing' : 'incoming';
}
