import type { Codec } from '@ironlb/wire';

/*
 * RFC 2918 §3 ROUTE-REFRESH Message Format (after the header; type 5):
 *
 *    0       7      15      23      31
 *   +-------+-------+-------+-------+
 *   |      AFI      | Res.  | SAFI  |
 *   +-------+-------+-------+-------+
 *
 * RFC 7313 §3.2 turns "Res." into the Message Subtype: 0 normal request, 1 BoRR, 2 EoRR.
 * ORF entries (RFC 5291) that may follow are not supported and are ignored.
 */
export interface RouteRefreshMessage {
  readonly type: 'routeRefresh';
  readonly afi: number;
  readonly subtype: number;
  readonly safi: number;
}

export const routeRefreshMessageCodec: Codec<RouteRefreshMessage> = {
  encode(m, w): void {
    w.u16(m.afi).u8(m.subtype).u8(m.safi);
  },
  decode(r): RouteRefreshMessage {
    const afi = r.u16('afi');
    const subtype = r.u8('subtype');
    const safi = r.u8('safi');
    r.rest();
    return { type: 'routeRefresh', afi, subtype, safi };
  },
};
