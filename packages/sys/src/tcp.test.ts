import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTcp, listenTcp, setTcpMd5Key } from './tcp.js';

// Loopback only. The namespace tests in test/sys/ repeat the MD5 and TTL cases between two
// hosts; here they run fast and without root (TCP_MD5SIG needs no privilege).
const open: (Server | Socket)[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    if ('destroy' in s) s.destroy();
    else s.close();
  }
});

async function server(options: Parameters<typeof listenTcp>[0]): Promise<{ server: Server; port: number }> {
  const srv = await listenTcp(options);
  open.push(srv);
  srv.on('connection', (c) => {
    c.on('error', () => {});
    c.end('hello');
  });
  return { server: srv, port: (srv.address() as AddressInfo).port };
}

async function greeting(sock: Socket): Promise<string> {
  open.push(sock);
  let text = '';
  sock.on('data', (d) => (text += d.toString()));
  await new Promise((resolve) => sock.on('close', resolve));
  return text;
}

describe('connectTcp / listenTcp', () => {
  it('connects and hands over a working net.Socket', async () => {
    const { port } = await server({ host: '127.0.0.1', port: 0 });
    const sock = await connectTcp({ host: '127.0.0.1', port, timeoutMs: 2000 });
    expect(sock.remotePort).toBe(port);
    expect(await greeting(sock)).toBe('hello');
  });

  it('binds the local address and port when asked', async () => {
    const { server: srv, port } = await server({ host: '127.0.0.1', port: 0 });
    const seen = new Promise<string | undefined>((resolve) =>
      srv.once('connection', (c) => resolve(c.remoteAddress)),
    );
    const sock = await connectTcp({ host: '127.0.0.1', port, localAddress: '127.0.0.2', timeoutMs: 2000 });
    open.push(sock);
    expect(sock.localAddress).toBe('127.0.0.2');
    expect(await seen).toBe('127.0.0.2');
  });

  it('rejects with ECONNREFUSED as a system error', async () => {
    await expect(connectTcp({ host: '127.0.0.1', port: 1, timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      address: '127.0.0.1',
      port: 1,
    });
  });

  it('connects with the right MD5 key only (RFC 2385)', async () => {
    const { port } = await server({
      host: '127.0.0.1',
      port: 0,
      md5Keys: [{ address: '127.0.0.1', key: 's3cret' }],
    });
    expect(
      await greeting(await connectTcp({ host: '127.0.0.1', port, md5Key: 's3cret', timeoutMs: 2000 })),
    ).toBe('hello');
    // A wrong or missing signature makes the kernel drop the SYN silently.
    await expect(
      connectTcp({ host: '127.0.0.1', port, md5Key: 'wrong', timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    await expect(connectTcp({ host: '127.0.0.1', port, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
  });

  it('adds and removes listener keys at run time, IPv4 peers on a dual-stack listener too', async () => {
    const { server: srv, port } = await server({ host: '::', port: 0 });
    setTcpMd5Key(srv, '127.0.0.1', Uint8Array.of(1, 2, 3, 4));
    setTcpMd5Key(srv, '::1', 'six');
    await expect(connectTcp({ host: '127.0.0.1', port, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(
      await greeting(
        await connectTcp({ host: '127.0.0.1', port, md5Key: Uint8Array.of(1, 2, 3, 4), timeoutMs: 2000 }),
      ),
    ).toBe('hello');
    expect(await greeting(await connectTcp({ host: '::1', port, md5Key: 'six', timeoutMs: 2000 }))).toBe(
      'hello',
    );
    setTcpMd5Key(srv, '127.0.0.1', undefined);
    setTcpMd5Key(srv, '127.0.0.1', undefined); // removing twice is fine
    expect(await greeting(await connectTcp({ host: '127.0.0.1', port, timeoutMs: 2000 }))).toBe('hello');
  });

  it('enforces the minimum TTL on a listener (GTSM, RFC 5082)', async () => {
    const { port } = await server({ host: '::', port: 0, minTtl: 255 });
    await expect(connectTcp({ host: '::1', port, ttl: 254, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    await expect(connectTcp({ host: '127.0.0.1', port, ttl: 64, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(await greeting(await connectTcp({ host: '::1', port, ttl: 255, timeoutMs: 2000 }))).toBe('hello');
    expect(await greeting(await connectTcp({ host: '127.0.0.1', port, ttl: 255, timeoutMs: 2000 }))).toBe(
      'hello',
    );
  });

  it('reports bad arguments with stable codes', async () => {
    await expect(connectTcp({ host: 'router.example', port: 179, timeoutMs: 10 })).rejects.toMatchObject({
      code: 'ERR_IRONLB_SYS_INVALID_ADDRESS',
    });
    await expect(connectTcp({ host: '127.0.0.1', port: 70000, timeoutMs: 10 })).rejects.toMatchObject({
      code: 'ERR_IRONLB_SYS_INVALID_ARG',
    });
    await expect(
      connectTcp({ host: '127.0.0.1', port: 179, md5Key: 'x'.repeat(81), timeoutMs: 10 }),
    ).rejects.toMatchObject({ code: 'ERR_IRONLB_SYS_INVALID_ARG' });
    await expect(connectTcp({ host: '127.0.0.1', port: 179, ttl: 0, timeoutMs: 10 })).rejects.toMatchObject({
      code: 'ERR_IRONLB_SYS_INVALID_ARG',
    });
    await expect(listenTcp({ host: '192.0.2.77', port: 0 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
      syscall: 'bind',
    });
  });
});
