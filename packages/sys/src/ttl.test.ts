import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { native } from './binding.js';
import { fdOf, getSocketOption, setMinTtl, setTtl } from './ttl.js';
import { createUdpSocket } from './udp.js';

const c = native().constants;
const sockets: DgramSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

function udp(type: 'udp4' | 'udp6', address: string): Promise<DgramSocket> {
  const s = createSocket(type);
  sockets.push(s);
  return new Promise((resolve) => s.bind(0, address, () => resolve(s)));
}

/** Sends `ttls` in order, each payload naming its TTL; resolves with the payloads received. */
async function deliver(rx: DgramSocket, tx: DgramSocket, to: string, ttls: number[]): Promise<string[]> {
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  for (const ttl of ttls) {
    tx.setTTL(ttl);
    await new Promise<void>((resolve) => tx.send(`ttl${ttl}`, rx.address().port, to, () => resolve()));
  }
  // The last one is always accepted in these tests; wait for it.
  const deadline = Date.now() + 2000;
  while (!got.includes(`ttl${ttls.at(-1)}`) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  return got;
}

describe('setTtl / setMinTtl', () => {
  it('sets and reads back TTL and minimum TTL on TCP sockets', async () => {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      setTtl(srv, 4, 7);
      setMinTtl(srv, 'IPv4', 200);
      expect(getSocketOption(srv, c.IPPROTO_IP, c.IP_TTL)).toBe(7);
      expect(getSocketOption(srv, c.IPPROTO_IP, c.IP_MINTTL)).toBe(200);
      expect(fdOf(srv)).toBe(fdOf(fdOf(srv)));
      expect((srv.address() as AddressInfo).port).toBeGreaterThan(0);
    } finally {
      srv.close();
    }
  });

  it('sets the IPv6 hop limits', async () => {
    const s = await udp('udp6', '::1');
    setTtl(s, 6, 255);
    setMinTtl(fdOf(s), 6, 0);
    expect(getSocketOption(s, c.IPPROTO_IPV6, c.IPV6_UNICAST_HOPS)).toBe(255);
  });

  it('drops UDP below the minimum TTL (BFD single-hop, RFC 5881), IPv4', async () => {
    const rx = await udp('udp4', '127.0.0.1');
    setMinTtl(rx, 'udp4', 255);
    expect(await deliver(rx, await udp('udp4', '127.0.0.1'), '127.0.0.1', [64, 254, 255])).toEqual([
      'ttl255',
    ]);
  });

  it('drops UDP below the minimum hop limit on a dual-stack socket, IPv6 and IPv4-mapped', async () => {
    const rx = await udp('udp6', '::');
    setMinTtl(rx, 6, 255);
    expect(await deliver(rx, await udp('udp6', '::1'), '::1', [1, 254, 255])).toEqual(['ttl255']);
    rx.removeAllListeners('message');
    expect(await deliver(rx, await udp('udp4', '127.0.0.1'), '127.0.0.1', [254, 255])).toEqual(['ttl255']);
  });

  it('turns the UDP check off with 0', async () => {
    const rx = await udp('udp4', '127.0.0.1');
    setMinTtl(rx, 4, 255);
    setMinTtl(rx, 4, 0);
    setMinTtl(rx, 4, 0);
    expect(await deliver(rx, await udp('udp4', '127.0.0.1'), '127.0.0.1', [3, 255])).toEqual([
      'ttl3',
      'ttl255',
    ]);
  });

  it('createUdpSocket applies TTL options before bind', async () => {
    const rx = await createUdpSocket({ type: 'udp4', address: '127.0.0.1', port: 0, ttl: 255, minTtl: 255 });
    sockets.push(rx);
    expect(getSocketOption(rx, c.IPPROTO_IP, c.IP_TTL)).toBe(255);
    expect(await deliver(rx, await udp('udp4', '127.0.0.1'), '127.0.0.1', [254, 255])).toEqual(['ttl255']);
  });

  it('fdOf needs a socket with a handle', () => {
    expect(() => fdOf(createSocket('udp4'))).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_SYS_NO_FD' }),
    );
    expect(() => setTtl(0, 4, 256)).toThrow(expect.objectContaining({ code: 'ERR_IRONLB_SYS_INVALID_ARG' }));
  });
});
