import type { Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFramer,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type NotificationMessage,
} from '@ironlb/bgp';
import { FakePeer } from '@ironlb/bgp/testing';
import { createLab, requireRoot, waitFor, type Lab, type Netns } from '@ironlb/netlab';
import { listenTcp, runInNetns } from '@ironlb/sys';
import { fromHex } from '@ironlb/wire';
import { startSpeaker, type SpeakerHandle } from './speaker-process.js';

// A test peer that sends malformed messages to a real speaker process: every case must be
// answered with the NOTIFICATION RFC 4271 / RFC 7606 prescribe, and the process must keep
// running and reconnect. The peer is this test process, listening inside the router namespace.

let lab: Lab;
let router: Netns;
let server: Server;
let speaker: SpeakerHandle;
const connections: RawPeer[] = [];
let consumed = 0;
const ctx = { fourOctetAs: true, extendedMessage: false };

class RawPeer {
  readonly received: BgpMessage[] = [];
  closed = false;
  readonly #framer = createFramer({ maxLength: 65535 });
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#framer.push(chunk);
      for (let f = this.#framer.next(); f; f = this.#framer.next()) this.received.push(decodeMessage(f, ctx));
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }
  send(m: BgpMessage): void {
    this.socket.write(encodeMessage(m, ctx));
  }
  notification(): NotificationMessage | undefined {
    return this.received.find((m): m is NotificationMessage => m.type === 'notification');
  }
}

function raw(type: number, body: string): Uint8Array {
  const b = fromHex(body);
  const len = 19 + b.length;
  return fromHex(
    'ff'.repeat(16) + len.toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0') + body,
  );
}

const attrs = (a: string, nlri = '') =>
  `0000 ${fromHex(a).length.toString(16).padStart(4, '0')} ${a} ${nlri}`;
const base = '40010100 40020602010000fc00 400304c0000201';

beforeAll(async () => {
  requireRoot();
  lab = await createLab({ tag: 'bgp' });
  const sw = await lab.addSwitch();
  router = await lab.addHost('router', { switch: sw, addresses: ['192.0.2.1/24'], role: 'router' });
  const node = await lab.addHost('node1', { switch: sw, addresses: ['192.0.2.11/24'], role: 'node' });
  server = await runInNetns(router.name, () => listenTcp({ host: '192.0.2.1', port: 179 }));
  server.on('connection', (s: Socket) => connections.push(new RawPeer(s)));
  speaker = await startSpeaker(node, {
    sessions: [
      {
        localAs: 64513,
        peerAs: 64512,
        routerId: '192.0.2.11',
        peerAddress: '192.0.2.1',
        families: ['ipv4'],
        damping: { initialIdleHoldTime: 0.1, maxIdleHoldTime: 0.2 },
      },
    ],
    routes: [{ prefix: '198.51.100.10/32' }],
  });
});

afterAll(async () => {
  await speaker?.stop().catch(() => undefined);
  server?.close();
  await lab?.destroy();
});

async function nextConnection(): Promise<RawPeer> {
  const peer = await waitFor(() => connections[consumed], {
    timeoutMs: 10_000,
    description: 'speaker to connect',
  });
  consumed++;
  return peer;
}

/** Waits for the speaker's next connection and brings it to Established. */
async function nextEstablished(): Promise<RawPeer> {
  const peer = await nextConnection();
  await waitFor(() => peer.received.some((m) => m.type === 'open'), {
    timeoutMs: 5000,
    description: 'OPEN from the speaker',
  });
  peer.send(FakePeer.open({ families: [4] }));
  peer.send({ type: 'keepalive' });
  await waitFor(() => peer.received.some((m) => m.type === 'update'), {
    timeoutMs: 5000,
    description: 'the speaker table',
  });
  return peer;
}

const cases: { name: string; bytes: Uint8Array; code: number; subcode: number; data?: string }[] = [
  { name: 'marker not all ones', bytes: fromHex('00'.repeat(16) + '001304'), code: 1, subcode: 1 },
  {
    name: 'UPDATE longer than 4096 octets',
    bytes: raw(2, '0000 0000' + '00'.repeat(5000)),
    code: 1,
    subcode: 2,
    data: '139f',
  },
  { name: 'unknown message type 9', bytes: raw(9, ''), code: 1, subcode: 3, data: '09' },
  {
    name: 'unrecognized well-known attribute',
    bytes: raw(2, attrs(base + '406301ff', '20c633640a')),
    code: 3,
    subcode: 2,
    data: '406301ff',
  },
  { name: 'MP_UNREACH_NLRI twice', bytes: raw(2, attrs('800f03000201800f03000201')), code: 3, subcode: 1 },
  { name: 'NLRI with prefix length 33', bytes: raw(2, attrs(base, '21c633640a00')), code: 3, subcode: 10 },
  {
    name: 'a second OPEN once Established',
    bytes: encodeMessage(FakePeer.open({ families: [4] })),
    code: 5,
    subcode: 3,
  },
];

describe('a peer that sends malformed messages', () => {
  it.each(cases)('$name: NOTIFICATION $code/$subcode, and the speaker carries on', async (c) => {
    const peer = await nextEstablished();
    peer.socket.write(c.bytes);
    const n = await waitFor(() => peer.notification(), {
      timeoutMs: 5000,
      description: 'NOTIFICATION from the speaker',
    });
    expect([n.code, n.subcode]).toEqual([c.code, c.subcode]);
    if (c.data !== undefined) expect(Buffer.from(n.data).toString('hex')).toBe(c.data);
    await waitFor(() => peer.closed, { timeoutMs: 5000, description: 'the speaker to close the connection' });
    expect(speaker.process.alive()).toBe(true);
  });

  it('treat-as-withdraw (RFC 7606): counted, no NOTIFICATION, session stays up', async () => {
    const peer = await nextEstablished();
    peer.socket.write(raw(2, attrs(base + 'c00805fc0100640a', '20c6336401')));
    peer.send({ type: 'keepalive' });
    const stats = await waitFor(
      async () => {
        const s = (
          await speaker.command<{ stats: { updatesTreatedAsWithdraw: number; state: string }[] }>({
            cmd: 'stats',
          })
        ).stats[0]!;
        return s.updatesTreatedAsWithdraw > 0 ? s : undefined;
      },
      { timeoutMs: 5000, description: 'treat-as-withdraw counted' },
    );
    expect(stats.state).toBe('Established');
    expect(peer.notification()).toBeUndefined();
  });

  it('an OPEN with version 3 gets Unsupported Version Number with the version we support', async () => {
    // The previous session is still up: reset it from the speaker side.
    await speaker.command({ cmd: 'reset', cause: 'administrativeReset' });
    const peer = await nextConnection();
    await waitFor(() => peer.received.some((m) => m.type === 'open'), {
      timeoutMs: 5000,
      description: 'OPEN',
    });
    peer.send({ ...FakePeer.open(), version: 3 });
    const n = await waitFor(() => peer.notification(), { timeoutMs: 5000, description: 'NOTIFICATION' });
    expect([n.code, n.subcode, Buffer.from(n.data).toString('hex')]).toEqual([2, 1, '0004']);
    expect(speaker.process.alive()).toBe(true);
  });
});
