import { describe, expect, it } from 'vitest';
import { bgpMessagesFromPcap, BgpMessageType } from './bgp-in-pcap.js';
import { buildPcap, parsePcap } from './pcap-reader.js';

const marker = new Array<number>(16).fill(0xff);
const keepalive = [...marker, 0, 19, 4];
// UPDATE announcing 198.51.100.10/32 and 198.51.100.11/32 with an empty attribute list (only
// the framing matters here): withdrawn length 0, attribute length 0, two /32 prefixes.
const update = [...marker, 0, 33, 2, 0, 0, 0, 0, 32, 198, 51, 100, 10, 32, 198, 51, 100, 11];
const endOfRib = [...marker, 0, 23, 2, 0, 0, 0, 0];

/** Ethernet II + IPv4 (20 bytes) + TCP (20 bytes) frame from 192.0.2.11:40000 to 192.0.2.1:179. */
function frame(seq: number, payload: number[], options: { syn?: boolean; pad?: number } = {}): Uint8Array {
  const ipLength = 40 + payload.length;
  const bytes = [
    ...[2, 0, 0xc0, 0, 2, 1, 2, 0, 0xc0, 0, 2, 11, 0x08, 0x00],
    ...[0x45, 0, ipLength >> 8, ipLength & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 11, 192, 0, 2, 1],
    ...[
      40000 >> 8,
      40000 & 0xff,
      0,
      179,
      (seq >>> 24) & 0xff,
      (seq >>> 16) & 0xff,
      (seq >>> 8) & 0xff,
      seq & 0xff,
    ],
    ...[0, 0, 0, 0, 0x50, options.syn ? 0x02 : 0x18, 0xff, 0xff, 0, 0, 0, 0],
    ...payload,
    ...new Array<number>(options.pad ?? 0).fill(0),
  ];
  return Uint8Array.from(bytes);
}

describe('bgpMessagesFromPcap', () => {
  it('reassembles messages split across segments, skips retransmissions and ignores padding', () => {
    const isn = 0xfffffff0; // the stream wraps the 32-bit sequence space
    const stream = [...keepalive, ...update, ...endOfRib];
    let seq = (isn + 1) >>> 0;
    const records = [{ timestampMicros: 1_000, data: frame(isn, [], { syn: true }) }];
    const chunks = [stream.slice(0, 10), stream.slice(10, 30), stream.slice(30)];
    let t = 2_000;
    for (const chunk of chunks) {
      records.push({ timestampMicros: t, data: frame(seq, chunk, { pad: 6 }) });
      if (t === 3_000) records.push({ timestampMicros: t + 1, data: frame(seq, chunk) }); // retransmission
      seq = (seq + chunk.length) >>> 0;
      t += 1_000;
    }
    const messages = bgpMessagesFromPcap(parsePcap(buildPcap(records)));
    expect(messages.map((m) => [m.type, m.length, m.timestampMicros, m.firstByteMicros])).toEqual([
      [BgpMessageType.KEEPALIVE, 19, 3_000, 2_000],
      [BgpMessageType.UPDATE, 33, 4_000, 3_000],
      [BgpMessageType.UPDATE, 23, 4_000, 4_000],
    ]);
    expect(messages[1]).toMatchObject({
      nlri: 2,
      withdrawn: 0,
      endOfRib: false,
      source: '192.0.2.11',
      destinationPort: 179,
    });
    expect(messages[2]?.endOfRib).toBe(true);
  });

  it('resynchronises on the next marker after a capture gap', () => {
    const records = [
      { timestampMicros: 1, data: frame(100, keepalive.slice(0, 12)) },
      { timestampMicros: 2, data: frame(200, [1, 2, 3, ...keepalive]) },
    ];
    const messages = bgpMessagesFromPcap(parsePcap(buildPcap(records)));
    expect(messages.map((m) => m.type)).toEqual([BgpMessageType.KEEPALIVE]);
  });
});
