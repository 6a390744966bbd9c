import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@ironlb/wire';
import { BgpDecodeError } from '../errors.js';
import { decodeMessage, type MessageContext } from './message.js';
import type { UpdateMessage } from './update.js';

// The malformed-message table (GoBGP style): each row is a whole message and the
// NOTIFICATION it calls for (code, subcode, data) with its RFC 7606 handling.

const ctx: MessageContext = { fourOctetAs: true, extendedMessage: false };

function msg(type: number, body: string, lengthOverride?: number): Uint8Array {
  const b = fromHex(body);
  const len = lengthOverride ?? 19 + b.length;
  const out = new Uint8Array(19 + b.length).fill(0xff);
  out[16] = len >> 8;
  out[17] = len & 0xff;
  out[18] = type;
  out.set(b, 19);
  return out;
}

const attrs = (a: string, nlri = '20c633640a') => {
  const n = fromHex(a).length;
  return `0000 ${n.toString(16).padStart(4, '0')} ${a} ${nlri}`;
};
const ORIGIN = '40010100';
const AS_PATH = '40020602010000fc01';
const NEXT_HOP = '400304c000020b';
const base = ORIGIN + AS_PATH + NEXT_HOP;

interface Row {
  name: string;
  bytes: Uint8Array;
  code: number;
  subcode: number;
  data?: string;
  handling: 'sessionReset' | 'treatAsWithdraw' | 'attributeDiscard';
}

const badMarker = msg(4, '');
badMarker[3] = 0xfe;

const rows: Row[] = [
  // RFC 4271 §6.1 message header errors.
  { name: 'marker not all ones', bytes: badMarker, code: 1, subcode: 1, handling: 'sessionReset' },
  {
    name: 'length below 19',
    bytes: msg(4, '', 18),
    code: 1,
    subcode: 2,
    data: '0012',
    handling: 'sessionReset',
  },
  {
    name: 'length above 4096',
    bytes: msg(2, '00000000', 4097),
    code: 1,
    subcode: 2,
    data: '1001',
    handling: 'sessionReset',
  },
  { name: 'unknown type', bytes: msg(9, ''), code: 1, subcode: 3, data: '09', handling: 'sessionReset' },
  {
    name: 'KEEPALIVE longer than 19',
    bytes: msg(4, '00'),
    code: 1,
    subcode: 2,
    data: '0014',
    handling: 'sessionReset',
  },
  {
    name: 'OPEN shorter than 29',
    bytes: msg(1, '04fc01005ac000020b'),
    code: 1,
    subcode: 2,
    data: '001c',
    handling: 'sessionReset',
  },
  {
    name: 'UPDATE shorter than 23',
    bytes: msg(2, '000000'),
    code: 1,
    subcode: 2,
    data: '0016',
    handling: 'sessionReset',
  },
  {
    name: 'NOTIFICATION shorter than 21',
    bytes: msg(3, '06'),
    code: 1,
    subcode: 2,
    data: '0014',
    handling: 'sessionReset',
  },
  {
    name: 'ROUTE-REFRESH shorter than 23',
    bytes: msg(5, '000100'),
    code: 1,
    subcode: 2,
    data: '0016',
    handling: 'sessionReset',
  },
  // RFC 4271 §6.2 OPEN errors found by the codec (the rest are checked against configuration).
  {
    name: 'OPEN parameter length beyond the message',
    bytes: msg(1, '04fc01005ac000020b 05 0202 0200'),
    code: 2,
    subcode: 0,
    handling: 'sessionReset',
  },
  {
    name: 'OPEN capability overruns its parameter',
    bytes: msg(1, '04fc01005ac000020b 04 0202 4104'),
    code: 2,
    subcode: 0,
    handling: 'sessionReset',
  },
  {
    name: 'OPEN multiprotocol capability of length 3',
    bytes: msg(1, '04fc01005ac000020b 07 0205 0103000100'),
    code: 2,
    subcode: 0,
    handling: 'sessionReset',
  },
  {
    name: 'OPEN graceful restart capability of length 3',
    bytes: msg(1, '04fc01005ac000020b 07 0205 4003007800'),
    code: 2,
    subcode: 0,
    handling: 'sessionReset',
  },
  {
    name: 'OPEN 4-octet AS capability of length 2',
    bytes: msg(1, '04fc01005ac000020b 06 0204 4102fc01'),
    code: 2,
    subcode: 0,
    handling: 'sessionReset',
  },
  // RFC 4271 §6.3, RFC 7606 §4 UPDATE framing.
  {
    name: 'withdrawn routes length beyond the message',
    bytes: msg(2, '0010 0000'),
    code: 3,
    subcode: 1,
    handling: 'sessionReset',
  },
  {
    name: 'total path attribute length beyond the message',
    bytes: msg(2, '0000 0010 40010100'),
    code: 3,
    subcode: 1,
    handling: 'sessionReset',
  },
  {
    name: 'NLRI prefix length 33',
    bytes: msg(2, attrs(base, '21c633640a00')),
    code: 3,
    subcode: 10,
    handling: 'sessionReset',
  },
  {
    name: 'NLRI prefix overruns the message',
    bytes: msg(2, attrs(base, '20c63364')),
    code: 3,
    subcode: 10,
    handling: 'sessionReset',
  },
  {
    name: 'withdrawn prefix overruns its field',
    bytes: msg(2, '0003 20c633 0000'),
    code: 3,
    subcode: 10,
    handling: 'sessionReset',
  },
  // RFC 7606 §3, §7: attributes that reset the session.
  {
    name: 'unrecognized well-known attribute',
    bytes: msg(2, attrs(base + '406301ff')),
    code: 3,
    subcode: 2,
    data: '406301ff',
    handling: 'sessionReset',
  },
  {
    name: 'MP_UNREACH_NLRI twice',
    bytes: msg(2, attrs('800f03000201' + '800f03000201', '')),
    code: 3,
    subcode: 1,
    handling: 'sessionReset',
  },
  {
    name: 'MP_REACH_NLRI with a 5-octet IPv6 next hop',
    bytes: msg(2, attrs(base + '800e0a 0002 01 05 0102030405 00', '')),
    code: 3,
    subcode: 9,
    data: '800e0a00020105010203040500',
    handling: 'sessionReset',
  },
  {
    name: 'MP_REACH_NLRI with an IPv6 prefix length 129',
    bytes: msg(2, attrs(base + '800e16 0002 01 10 20010db8000000000000000000000011 00 81', '')),
    code: 3,
    subcode: 9,
    handling: 'sessionReset',
  },
  {
    name: 'MP_UNREACH_NLRI marked transitive',
    bytes: msg(2, attrs('c00f03000201', '')),
    code: 3,
    subcode: 4,
    data: 'c00f03000201',
    handling: 'sessionReset',
  },
  // RFC 7606 §7: treat-as-withdraw.
  {
    name: 'ORIGIN value 3',
    bytes: msg(2, attrs('40010103' + AS_PATH + NEXT_HOP)),
    code: 3,
    subcode: 6,
    data: '40010103',
    handling: 'treatAsWithdraw',
  },
  {
    name: 'ORIGIN of 2 octets',
    bytes: msg(2, attrs('4001020000' + AS_PATH + NEXT_HOP)),
    code: 3,
    subcode: 5,
    data: '4001020000',
    handling: 'treatAsWithdraw',
  },
  {
    name: 'ORIGIN marked optional',
    bytes: msg(2, attrs('c0010100' + AS_PATH + NEXT_HOP)),
    code: 3,
    subcode: 4,
    data: 'c0010100',
    handling: 'treatAsWithdraw',
  },
  {
    name: 'AS_PATH segment type 5',
    bytes: msg(2, attrs(ORIGIN + '40020605010000fc01' + NEXT_HOP)),
    code: 3,
    subcode: 11,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'AS_PATH segment of length 0',
    bytes: msg(2, attrs(ORIGIN + '4002020200' + NEXT_HOP)),
    code: 3,
    subcode: 11,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'AS_PATH segment overruns',
    bytes: msg(2, attrs(ORIGIN + '40020602020000fc01' + NEXT_HOP)),
    code: 3,
    subcode: 11,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'NEXT_HOP of 5 octets',
    bytes: msg(2, attrs(ORIGIN + AS_PATH + '400305c000020b00')),
    code: 3,
    subcode: 5,
    data: '400305c000020b00',
    handling: 'treatAsWithdraw',
  },
  {
    name: 'MULTI_EXIT_DISC of 3 octets',
    bytes: msg(2, attrs(base + '800403000001')),
    code: 3,
    subcode: 5,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'COMMUNITIES of 5 octets',
    bytes: msg(2, attrs(base + 'c00805fc01006400')),
    code: 3,
    subcode: 5,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'COMMUNITIES of 0 octets',
    bytes: msg(2, attrs(base + 'c00800')),
    code: 3,
    subcode: 5,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'LARGE_COMMUNITY of 11 octets',
    bytes: msg(2, attrs(base + 'c0200b' + '00'.repeat(11))),
    code: 3,
    subcode: 5,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'attribute length overruns the attributes',
    bytes: msg(2, '0000 0009 ' + ORIGIN + '400306c000' + '20c633640a'),
    code: 3,
    subcode: 5,
    handling: 'treatAsWithdraw',
  },
  {
    name: 'attribute header truncated',
    bytes: msg(2, '0000 0006 ' + ORIGIN + '4003' + '20c633640a'),
    code: 3,
    subcode: 1,
    handling: 'treatAsWithdraw',
  },
  // RFC 7606 §7: attribute discard.
  {
    name: 'ATOMIC_AGGREGATE of 1 octet',
    bytes: msg(2, attrs(base + '40060100')),
    code: 3,
    subcode: 5,
    data: '40060100',
    handling: 'attributeDiscard',
  },
  {
    name: 'AGGREGATOR of 6 octets with 4-octet AS',
    bytes: msg(2, attrs(base + 'c00706fc01c000020b')),
    code: 3,
    subcode: 5,
    handling: 'attributeDiscard',
  },
  {
    name: 'AS4_PATH segment type 9',
    bytes: msg(2, attrs(base + 'c01106090100000001')),
    code: 3,
    subcode: 11,
    handling: 'attributeDiscard',
  },
  {
    name: 'ORIGIN twice (the second is dropped)',
    bytes: msg(2, attrs(base + '40010102')),
    code: 3,
    subcode: 1,
    handling: 'attributeDiscard',
  },
];

describe('malformed messages and the NOTIFICATION they call for', () => {
  it.each(rows)('$name', (row) => {
    let error: BgpDecodeError | undefined;
    let update: UpdateMessage | undefined;
    try {
      const m = decodeMessage(row.bytes, ctx);
      if (m.type === 'update') update = m;
    } catch (err) {
      expect(err).toBeInstanceOf(BgpDecodeError);
      error = err as BgpDecodeError;
    }
    if (row.handling === 'sessionReset') {
      expect(error, 'expected a thrown BgpDecodeError').toBeDefined();
    } else {
      expect(error).toBeUndefined();
      expect(update?.errors?.length).toBeGreaterThan(0);
      error = update!.errors![0]!;
    }
    expect(error!.code).toBe('ERR_IRONLB_BGP_DECODE');
    expect(error!.notification.code).toBe(row.code);
    expect(error!.notification.subcode).toBe(row.subcode);
    expect(error!.handling).toBe(row.handling);
    if (row.data !== undefined) expect(toHex(error!.notification.data)).toBe(row.data);
  });

  it('drops a discarded attribute and keeps the rest of the UPDATE', () => {
    const m = decodeMessage(msg(2, attrs(base + '40060100')), ctx) as UpdateMessage;
    expect(m.pathAttributes.map((a) => a.type)).toEqual(['ORIGIN', 'AS_PATH', 'NEXT_HOP']);
    expect(m.nlri).toHaveLength(1);
  });

  it('keeps the first of repeated attributes', () => {
    const m = decodeMessage(msg(2, attrs(base + '40010102')), ctx) as UpdateMessage;
    expect(m.pathAttributes[0]).toEqual({ type: 'ORIGIN', origin: 0 });
    expect(m.pathAttributes).toHaveLength(3);
  });

  it('still finds the NLRI when an attribute overruns (RFC 7606 §4)', () => {
    const m = decodeMessage(
      msg(2, '0000 0009 ' + ORIGIN + '400306c000' + '20c633640a'),
      ctx,
    ) as UpdateMessage;
    expect(m.nlri).toHaveLength(1);
  });
});
