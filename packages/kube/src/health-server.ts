// The HTTP endpoint of a component: `/metrics` (Prometheus text format), `/healthz`
// (liveness: the process works) and `/readyz` (readiness: caches synced, etc.).
// `?verbose` on the health endpoints lists each check, as the API server does.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A check returns true/false, or a message when it fails. */
export type HealthCheck = () =>
  boolean | { ok: boolean; message?: string } | Promise<boolean | { ok: boolean; message?: string }>;

export class HealthChecks {
  readonly #checks = { healthz: new Map<string, HealthCheck>(), readyz: new Map<string, HealthCheck>() };

  /** Adds a liveness check (a failing one makes the kubelet restart the pod). */
  addLiveness(name: string, check: HealthCheck): this {
    this.#checks.healthz.set(name, check);
    return this;
  }

  /** Adds a readiness check. */
  addReadiness(name: string, check: HealthCheck): this {
    this.#checks.readyz.set(name, check);
    return this;
  }

  async run(kind: 'healthz' | 'readyz'): Promise<{ ok: boolean; lines: string[] }> {
    const lines: string[] = [];
    let ok = true;
    for (const [name, check] of this.#checks[kind]) {
      let result: { ok: boolean; message?: string };
      try {
        const r = await check();
        result = typeof r === 'boolean' ? { ok: r } : r;
      } catch (err) {
        result = { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
      ok &&= result.ok;
      lines.push(
        result.ok ? `[+]${name} ok` : `[-]${name} failed${result.message ? `: ${result.message}` : ''}`,
      );
    }
    return { ok, lines };
  }
}

export interface HealthServerOptions {
  /** `host:port` or `:port`; port 0 picks a free port. */
  address: string;
  registry: Registry;
  checks: HealthChecks;
  logger?: Logger;
}

export interface HealthServer {
  /** The bound address, e.g. `127.0.0.1:9120`. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export function parseListenAddress(address: string): { host?: string; port: number } {
  const i = address.lastIndexOf(':');
  const host = i > 0 ? address.slice(0, i).replace(/^\[(.*)\]$/, '$1') : undefined;
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`bad listen address "${address}"`);
  return { host, port };
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseListenAddress(options.address);
  const logger = options.logger?.child({ component: 'health-server' });
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      logger?.error({ event: 'healthServerError', err }, 'health server request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/metrics') {
      const body = await options.registry.metrics();
      res.writeHead(200, { 'Content-Type': options.registry.contentType }).end(body);
      return;
    }
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      const kind = url.pathname === '/readyz' ? 'readyz' : 'healthz';
      const { ok, lines } = await options.checks.run(kind);
      const verbose = url.searchParams.has('verbose') || !ok;
      const body = verbose ? `${lines.join('\n')}\n${kind} check ${ok ? 'passed' : 'failed'}\n` : 'ok\n';
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shown =
    bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  logger?.info({ event: 'healthServerListening', address: shown }, 'serving /metrics, /healthz, /readyz');
  return {
    address: shown,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
