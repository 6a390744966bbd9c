import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UndiciTransport } from './transport.js';
import type { StreamHandlers } from './transport.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(route: Route): Promise<{ origin: string; connections: Set<unknown> }> {
  const connections = new Set<unknown>();
  const server: Server = createServer(route);
  server.on('connection', (s) => {
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, connections };
}

function transport(origin: string): UndiciTransport {
  const t = new UndiciTransport({ origin, tls: {}, connections: 4 });
  cleanups.push(() => t.close());
  return t;
}

/** Collects a stream's callbacks; `done` settles at its end or error. */
function collect(): { handlers: StreamHandlers; seen: string[]; done: Promise<void> } {
  const seen: string[] = [];
  let settle!: () => void;
  const done = new Promise<void>((r) => (settle = r));
  return {
    seen,
    done,
    handlers: {
      onStatus: (s) => seen.push(`status ${s}`),
      onText: (t) => seen.push(`text ${t}`),
      onEnd: () => {
        seen.push('end');
        settle();
      },
      onError: (e) => {
        seen.push(`error ${e.message}`);
        settle();
      },
    },
  };
}

describe('UndiciTransport', () => {
  it('sends method, path, headers and body, and returns any status with its text', async () => {
    const got: string[] = [];
    const { origin } = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        got.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
        res.writeHead(req.url === '/missing' ? 404 : 201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body }));
      });
    });
    const t = transport(origin);
    const ok = await t.request({
      method: 'POST',
      path: '/api/v1/x?dryRun=All',
      headers: { 'content-type': 'application/json' },
      body: '{"a":"ü"}',
      timeoutMs: 5000,
    });
    expect(ok).toEqual({ status: 201, text: JSON.stringify({ echo: '{"a":"ü"}' }) });
    const missing = await t.request({ method: 'GET', path: '/missing', headers: {}, timeoutMs: 5000 });
    expect(missing.status).toBe(404);
    expect(got).toEqual(['POST /api/v1/x?dryRun=All application/json {"a":"ü"}', 'GET /missing undefined ']);
  });

  it('keeps connections alive across requests', async () => {
    const { origin, connections } = await serve((_req, res) => res.end('{}'));
    const t = transport(origin);
    for (let i = 0; i < 20; i++) await t.request({ method: 'GET', path: '/', headers: {}, timeoutMs: 5000 });
    // undici may open a second connection while the first finishes a response; not one per request.
    expect(connections.size).toBeLessThanOrEqual(2);
  });

  it('rejects a request that gets no answer within its timeout', async () => {
    const { origin } = await serve(() => undefined); // never answers
    const t = transport(origin);
    await expect(t.request({ method: 'GET', path: '/', headers: {}, timeoutMs: 100 })).rejects.toThrow();
  });

  it('rejects when the server is not there', async () => {
    const { origin } = await serve((_req, res) => res.end());
    const closed = cleanups.pop()!;
    await closed();
    const t = transport(origin);
    await expect(t.request({ method: 'GET', path: '/', headers: {}, timeoutMs: 2000 })).rejects.toThrow();
  });

  it('streams text as it arrives, with a character split across chunks decoded whole', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200);
      const euro = Buffer.from('€', 'utf8'); // 3 bytes
      res.write(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
      setTimeout(() => res.end(Buffer.concat([euro.subarray(1), Buffer.from('b')])), 20);
    });
    const t = transport(origin);
    const c = collect();
    t.stream({ method: 'GET', path: '/watch', headers: {}, timeoutMs: 5000 }, c.handlers);
    await c.done;
    expect(c.seen[0]).toBe('status 200');
    expect(c.seen.at(-1)).toBe('end');
    expect(
      c.seen
        .filter((s) => s.startsWith('text '))
        .map((s) => s.slice(5))
        .join(''),
    ).toBe('a€b');
  });

  it('reports a stream cut by the server as an error, and calls nothing after abort', async () => {
    let destroy: (() => void) | undefined;
    const { origin } = await serve((req, res) => {
      res.writeHead(200);
      res.write('x');
      destroy = () => req.socket.destroy();
    });
    const t = transport(origin);
    const cut = collect();
    t.stream({ method: 'GET', path: '/a', headers: {}, timeoutMs: 5000 }, cut.handlers);
    await waitFor(() => cut.seen.includes('text x'));
    destroy!();
    await cut.done;
    expect(cut.seen.at(-1)).toMatch(/^error /);

    const aborted = collect();
    const abort = t.stream({ method: 'GET', path: '/b', headers: {}, timeoutMs: 5000 }, aborted.handlers);
    await waitFor(() => aborted.seen.includes('text x'));
    abort();
    destroy!();
    await new Promise((r) => setTimeout(r, 50));
    expect(aborted.seen).toEqual(['status 200', 'text x']);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}
