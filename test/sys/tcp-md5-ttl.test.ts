// TCP-MD5 (RFC 2385) and minimum TTL (RFC 5082 GTSM, RFC 5881 BFD single-hop) between
// namespaces the test creates:
//
//   a eth0 203.0.113.1 ------------------- 203.0.113.2 eth0 b        (direct link)
//   a eth1 192.0.2.1 --- r --- 198.51.100.2 eth1 b                   (one routed hop)
//         2001:db8::1       2001:db8:1::2
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Socket as DgramSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp, createUdpSocket, listenTcp, runInNetns, setTcpMd5Key } from '@ironlb/sys';
import { NamespaceSet, requireRoot } from './namespaces.js';

const nss = new NamespaceSet();
let a = '';
let b = '';
const closers: (() => void)[] = [];

beforeAll(() => {
  requireRoot('test/sys/tcp-md5-ttl');
  a = nss.add('a');
  b = nss.add('b');
  const r = nss.add('r', { 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1' });
  nss.link(
    { ns: a, ifname: 'eth0', addrs: ['203.0.113.1/24'] },
    { ns: b, ifname: 'eth0', addrs: ['203.0.113.2/24'] },
  );
  nss.link(
    { ns: a, ifname: 'eth1', addrs: ['192.0.2.1/24', '2001:db8::1/64'] },
    { ns: r, ifname: 'ra', addrs: ['192.0.2.254/24', '2001:db8::fe/64'] },
  );
  nss.link(
    { ns: b, ifname: 'eth1', addrs: ['198.51.100.2/24', '2001:db8:1::2/64'] },
    { ns: r, ifname: 'rb', addrs: ['198.51.100.254/24', '2001:db8:1::fe/64'] },
  );
  nss.run(a, ['ip', 'route', 'add', '198.51.100.0/24', 'via', '192.0.2.254']);
  nss.run(a, ['ip', '-6', 'route', 'add', '2001:db8:1::/64', 'via', '2001:db8::fe']);
  nss.run(b, ['ip', 'route', 'add', '192.0.2.0/24', 'via', '198.51.100.254']);
  nss.run(b, ['ip', '-6', 'route', 'add', '2001:db8::/64', 'via', '2001:db8:1::fe']);
});
afterAll(() => {
  for (const close of closers.splice(0)) close();
  nss.destroy();
});

/** A listener in b that greets each connection; its socket is created inside b. */
async function listenInB(
  options: Parameters<typeof listenTcp>[0],
): Promise<{ server: Server; port: number }> {
  const server = await runInNetns(b, () => listenTcp(options));
  closers.push(() => server.close());
  server.on('connection', (c) => {
    c.on('error', () => {});
    c.end('hello');
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Connects from a (socket created inside a) and returns the greeting. */
async function greetingFromA(options: Parameters<typeof connectTcp>[0]): Promise<string> {
  const sock: Socket = await runInNetns(a, () => connectTcp(options));
  closers.push(() => sock.destroy());
  let text = '';
  sock.on('data', (d) => (text += d.toString()));
  await new Promise((resolve) => sock.on('close', resolve));
  return text;
}

describe('TCP-MD5 between namespaces', () => {
  it('connects with the right key and not with a wrong or missing one (IPv4, routed)', async () => {
    const { port } = await listenInB({
      host: '0.0.0.0',
      port: 0,
      md5Keys: [{ address: '192.0.2.1', key: 'bgp-pass' }],
    });
    expect(await greetingFromA({ host: '198.51.100.2', port, md5Key: 'bgp-pass', timeoutMs: 3000 })).toBe(
      'hello',
    );
    await expect(
      greetingFromA({ host: '198.51.100.2', port, md5Key: 'bgp-fail', timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT', syscall: 'connect', address: '198.51.100.2', port });
    await expect(greetingFromA({ host: '198.51.100.2', port, timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
  });

  it('works over IPv6 with a source address, and keys can be replaced on the listener', async () => {
    const { server, port } = await listenInB({
      host: '::',
      port: 0,
      md5Keys: [{ address: '2001:db8::1', key: 'v6-one' }],
    });
    const opts = { host: '2001:db8:1::2', port, localAddress: '2001:db8::1', timeoutMs: 3000 };
    expect(await greetingFromA({ ...opts, md5Key: 'v6-one' })).toBe('hello');
    setTcpMd5Key(server, '2001:db8::1', 'v6-two');
    await expect(greetingFromA({ ...opts, md5Key: 'v6-one', timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(await greetingFromA({ ...opts, md5Key: 'v6-two' })).toBe('hello');
  });

  it('refuses when nothing listens and times out towards an absent host', async () => {
    await expect(greetingFromA({ host: '203.0.113.2', port: 9, timeoutMs: 3000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      errno: -111,
    });
    await expect(greetingFromA({ host: '203.0.113.99', port: 179, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      address: '203.0.113.99',
    });
  });
});

describe('minimum TTL between namespaces', () => {
  it('GTSM: a listener with minTtl 255 accepts a directly connected peer and not one a hop away', async () => {
    const { port } = await listenInB({ host: '0.0.0.0', port: 0, minTtl: 255 });
    expect(await greetingFromA({ host: '203.0.113.2', port, ttl: 255, timeoutMs: 3000 })).toBe('hello');
    // Through r, TTL 255 arrives as 254.
    await expect(
      greetingFromA({ host: '198.51.100.2', port, ttl: 255, timeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
  });

  it('eBGP multihop style: minTtl 254 accepts the peer one hop away', async () => {
    const { port } = await listenInB({ host: '::', port: 0, minTtl: 254 });
    expect(await greetingFromA({ host: '2001:db8:1::2', port, ttl: 255, timeoutMs: 3000 })).toBe('hello');
    await expect(
      greetingFromA({ host: '2001:db8:1::2', port, ttl: 254, timeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
  });

  it('BFD single-hop: UDP with minTtl 255 takes TTL 255 from the link and drops it from a hop away', async () => {
    const rx: DgramSocket = await runInNetns(b, () =>
      createUdpSocket({ type: 'udp4', address: '0.0.0.0', port: 0, minTtl: 255 }),
    );
    closers.push(() => rx.close());
    const got: string[] = [];
    rx.on('message', (m, from) => got.push(`${m.toString()} from ${from.address}`));
    const tx: DgramSocket = await runInNetns(a, () =>
      createUdpSocket({ type: 'udp4', address: '0.0.0.0', port: 0, ttl: 255 }),
    );
    closers.push(() => tx.close());
    const port = rx.address().port;
    const send = (text: string, to: string) => new Promise<void>((r) => tx.send(text, port, to, () => r()));
    await send('routed', '198.51.100.2');
    await send('direct', '203.0.113.2');
    const deadline = Date.now() + 3000;
    while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['direct from 203.0.113.1']);
  });
});
