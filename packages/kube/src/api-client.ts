// A small JSON client for the Kubernetes API on top of client-node's KubeConfig (which
// resolves the server, TLS material and credentials, exec plugins included).
//
// Why not the generated typed APIs: they build a new HTTP agent per request (no keep-alive),
// default PATCH to JSON Patch, and turn timestamps into Date objects on list but not on watch.
// This client keeps one keep-alive agent, sends the content type we choose, and returns the
// JSON the server sent, so cached objects look the same whether they came from a list or a watch.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeTransportError } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';

export const PatchType = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategicMerge: 'application/strategic-merge-patch+json',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Defaults to `application/json`; PATCH needs one of PatchType. */
  contentType?: string;
  timeoutMs?: number;
}

/** The narrow interface the runtime's components use; tests may supply their own. */
export interface KubeApi {
  request<T = unknown>(req: ApiRequest): Promise<T>;
}

export interface HttpKubeApiOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Concurrent connections to the API server (default 16). */
  maxSockets?: number;
  userAgent?: string;
  metrics?: RuntimeMetrics;
  /**
   * How long credentials from the kubeconfig are reused before it is asked again (default 5 s).
   * Asking means reading token files and running auth providers, which costs more than the
   * request itself under load; rotating credentials (projected tokens, exec plugins) are renewed
   * long before they expire. 0 asks on every request.
   */
  credentialsTtlMs?: number;
}

interface Connection {
  url: URL;
  agent: http.Agent;
  transport: typeof http | typeof https;
}

export class HttpKubeApi implements KubeApi {
  readonly #kc: KubeConfig;
  readonly #options: HttpKubeApiOptions;
  #connection?: Promise<Connection>;
  #auth?: { at: number; headers: Record<string, string> };

  constructor(kc: KubeConfig, options: HttpKubeApiOptions = {}) {
    this.#kc = kc;
    this.#options = options;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    void this.#connection?.then((c) => c.agent.destroy()).catch(() => undefined);
  }

  async #connect(): Promise<Connection> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new KubeTransportError('the kubeconfig has no current cluster');
    const url = new URL(cluster.server);
    const tls: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(tls);
    const common = { keepAlive: true, maxSockets: this.#options.maxSockets ?? 16 };
    if (cluster.proxyUrl) {
      // Proxies: use client-node's own agent (no keep-alive across requests).
      return { url, agent: tls.agent as http.Agent, transport: url.protocol === 'https:' ? https : http };
    }
    if (url.protocol === 'http:') return { url, agent: new http.Agent(common), transport: http };
    const agent = new https.Agent({
      ...common,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      servername: tls.servername,
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
    });
    return { url, agent, transport: https };
  }

  /** Authentication headers; credentials may rotate, so they are asked again after a while. */
  async #credentials(): Promise<Record<string, string>> {
    const ttl = this.#options.credentialsTtlMs ?? 5_000;
    const cached = this.#auth;
    if (cached && performance.now() - cached.at < ttl) return cached.headers;
    const auth: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(auth);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(auth.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (auth.auth) headers.Authorization = `Basic ${Buffer.from(auth.auth).toString('base64')}`;
    if (ttl > 0) this.#auth = { at: performance.now(), headers };
    return headers;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    this.#connection ??= this.#connect();
    const conn = await this.#connection;
    const headers: Record<string, string> = { Accept: 'application/json', ...(await this.#credentials()) };
    if (this.#options.userAgent) headers['User-Agent'] = this.#options.userAgent;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) search.set(k, String(v));
    const basePath = conn.url.pathname.replace(/\/$/, '');
    const path = `${basePath}${req.path}${search.size > 0 ? `?${search}` : ''}`;
    const started = performance.now();
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const metrics = this.#options.metrics;

    return new Promise<T>((resolve, reject) => {
      const done = (code: number) => {
        metrics?.apiRequests.inc({ method: req.method, code: String(code) });
        metrics?.apiRequestDuration.observe({ method: req.method }, (performance.now() - started) / 1000);
      };
      const r = conn.transport.request(
        {
          protocol: conn.url.protocol,
          hostname: conn.url.hostname,
          port: conn.url.port,
          method: req.method,
          path,
          headers,
          agent: conn.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => {
            done(0);
            reject(new KubeTransportError(`${req.method} ${req.path}: ${err.message}`, { cause: err }));
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done(status);
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch (err) {
              if (status >= 200 && status < 300)
                return reject(
                  new KubeTransportError(`${req.method} ${req.path}: response is not JSON`, { cause: err }),
                );
            }
            if (status >= 200 && status < 300) return resolve(body as T);
            const st = (body ?? {}) as { reason?: string; message?: string };
            reject(
              new KubeApiError({
                statusCode: status,
                reason: st.reason ?? http.STATUS_CODES[status] ?? 'Unknown',
                message: st.message ?? text.slice(0, 200),
                method: req.method,
                path: req.path,
              }),
            );
          });
        },
      );
      r.setTimeout(timeoutMs, () => {
        r.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      r.on('error', (err) => {
        done(0);
        reject(new KubeTransportError(`${req.method} ${req.path}: ${err.message}`, { cause: err }));
      });
      r.end(payload);
    });
  }
}
