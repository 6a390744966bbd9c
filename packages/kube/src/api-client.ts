// A small JSON client for the Kubernetes API on top of a kubeconfig (client-node's KubeConfig,
// which resolves the server, TLS material and credentials, exec plugins included, or the
// lighter ClusterAccess of loadClusterAccess).
//
// Why not the generated typed APIs: they build a new HTTP agent per request (no keep-alive),
// default PATCH to JSON Patch, and turn timestamps into Date objects on list but not on watch.
// This client keeps one keep-alive agent, sends the content type we choose, and returns the
// JSON the server sent, so cached objects look the same whether they came from a list or a watch.
// Watches (`watch()`) stream over their own agent, so that long-lived watch connections never
// take a socket that requests wait for.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClusterAccess } from './cluster-access.js';
import { KubeApiError, KubeTransportError } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';
import { WatchLineDecoder } from './watch-stream.js';
import type { KubeWatchApi, WatchHandle, WatchHandlers, WatchRequest } from './watch-stream.js';

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
  /** The server URL's path without a trailing slash (usually empty). */
  basePath: string;
  agent: http.Agent;
  /** For watches: no socket limit, never shared with requests. */
  watchAgent: http.Agent;
  transport: typeof http | typeof https;
}

/**
 * An agent for one server with one set of TLS material, so every socket is interchangeable.
 * Node's https.Agent keys its pool by a string made of the CA, certificate and key, built (and
 * the buffers decoded) on every request; here the key is constant.
 */
class OneServerHttpsAgent extends https.Agent {
  override getName(): string {
    return 'apiserver';
  }
}

export class HttpKubeApi implements KubeApi, KubeWatchApi {
  readonly #kc: ClusterAccess;
  readonly #options: HttpKubeApiOptions;
  #connection?: Promise<Connection>;
  #connected?: Connection;
  #auth?: { at: number; headers: Record<string, string> };
  readonly #watches = new Set<http.ClientRequest>();
  /** prom-client children per label set (looking them up by an object hashes the labels). */
  readonly #requestCounters = new Map<string, { inc(): void }>();
  readonly #requestTimers = new Map<string, { observe(v: number): void }>();

  /** `kc`: client-node's KubeConfig, or what loadClusterAccess returns. */
  constructor(kc: ClusterAccess, options: HttpKubeApiOptions = {}) {
    this.#kc = kc;
    this.#options = options;
  }

  /** Closes idle keep-alive connections and open watches. */
  close(): void {
    for (const w of this.#watches) w.destroy();
    this.#watches.clear();
    void this.#connection
      ?.then((c) => {
        c.agent.destroy();
        c.watchAgent.destroy();
      })
      .catch(() => undefined);
  }

  async #connect(): Promise<Connection> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new KubeTransportError('the kubeconfig has no current cluster');
    const url = new URL(cluster.server);
    const basePath = url.pathname.replace(/\/$/, '');
    const tls: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(tls);
    const common = { keepAlive: true, maxSockets: this.#options.maxSockets ?? 16 };
    const transport = url.protocol === 'https:' ? https : http;
    if (cluster.proxyUrl) {
      // Proxies: use client-node's own agent (no keep-alive across requests).
      const agent = tls.agent as http.Agent;
      return { url, basePath, agent, watchAgent: agent, transport };
    }
    if (url.protocol === 'http:')
      return {
        url,
        basePath,
        agent: new http.Agent(common),
        watchAgent: new http.Agent({ keepAlive: true }),
        transport,
      };
    const tlsOptions = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      servername: tls.servername,
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
    };
    return {
      url,
      basePath,
      agent: new OneServerHttpsAgent({ ...common, ...tlsOptions }),
      watchAgent: new OneServerHttpsAgent({ keepAlive: true, ...tlsOptions }),
      transport,
    };
  }

  async #getConnection(): Promise<Connection> {
    if (this.#connected) return this.#connected;
    this.#connection ??= this.#connect();
    this.#connected = await this.#connection;
    return this.#connected;
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
    const conn = this.#connected ?? (await this.#getConnection());
    const headers: Record<string, string> = { Accept: 'application/json', ...(await this.#credentials()) };
    if (this.#options.userAgent) headers['User-Agent'] = this.#options.userAgent;
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const path = conn.basePath + req.path + queryString(req.query);
    const started = performance.now();
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs ?? 30_000;

    return new Promise<T>((resolve, reject) => {
      const done = (code: number) => this.#observe(req.method, code, started);
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
            reject(apiError(req.method, req.path, status, text));
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

  #observe(method: string, code: number, started: number): void {
    const metrics = this.#options.metrics;
    if (!metrics) return;
    const key = `${method} ${code}`;
    let counter = this.#requestCounters.get(key);
    if (!counter) {
      counter = metrics.apiRequests.labels({ method, code: String(code) });
      this.#requestCounters.set(key, counter);
    }
    counter.inc();
    let timer = this.#requestTimers.get(method);
    if (!timer) {
      timer = metrics.apiRequestDuration.labels({ method });
      this.#requestTimers.set(method, timer);
    }
    timer.observe((performance.now() - started) / 1000);
  }

  /**
   * Opens a watch (`GET <path>?watch=true&...`) and streams its events to `handlers` as they
   * arrive. TCP keep-alive is set on the socket, so a dead peer is noticed.
   */
  watch(req: WatchRequest, handlers: WatchHandlers): WatchHandle {
    let closed = false;
    let request: http.ClientRequest | undefined;
    const finish = (err?: unknown) => {
      if (closed) return;
      closed = true;
      if (request) {
        this.#watches.delete(request);
        request.destroy();
      }
      handlers.onClose(err);
    };
    const transportError = (err: Error) =>
      new KubeTransportError(`watch ${req.path}: ${err.message}`, { cause: err });
    const open = async () => {
      const conn = this.#connected ?? (await this.#getConnection());
      const headers: Record<string, string> = { Accept: 'application/json', ...(await this.#credentials()) };
      if (this.#options.userAgent) headers['User-Agent'] = this.#options.userAgent;
      if (closed) return;
      const path = conn.basePath + req.path + queryString({ ...req.query, watch: true });
      const r = conn.transport.request(
        {
          protocol: conn.url.protocol,
          hostname: conn.url.hostname,
          port: conn.url.port,
          method: 'GET',
          path,
          headers,
          agent: conn.watchAgent,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.setEncoding('utf8');
          if (status !== 200) {
            let text = '';
            res.on('data', (c: string) => (text += c));
            res.on('end', () => finish(apiError('GET', req.path, status, text)));
            res.on('error', (err) => finish(transportError(err)));
            return;
          }
          res.socket?.setKeepAlive(true, 30_000);
          handlers.onOpen?.();
          const decoder = new WatchLineDecoder(handlers);
          res.on('data', (chunk: string) => {
            if (!closed) decoder.push(chunk);
          });
          res.on('end', () => {
            if (closed) return;
            decoder.end();
            finish();
          });
          res.on('error', (err) => finish(transportError(err)));
          res.on('close', () => {
            if (!res.complete) finish(transportError(new Error('the watch stream was cut')));
          });
        },
      );
      request = r;
      this.#watches.add(r);
      r.on('error', (err) => finish(transportError(err)));
      r.end();
    };
    open().catch((err: unknown) => finish(err));
    return {
      close: () => {
        if (closed) return;
        closed = true;
        if (request) {
          this.#watches.delete(request);
          request.destroy();
        }
      },
    };
  }
}

/** `?a=1&b=x` from the defined values, or `''`. */
function queryString(query: ApiRequest['query']): string {
  if (!query) return '';
  let out = '';
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    out += `${out === '' ? '?' : '&'}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
  }
  return out;
}

function apiError(method: string, path: string, status: number, text: string): KubeApiError {
  let st: { reason?: string; message?: string } = {};
  try {
    st = (text ? JSON.parse(text) : {}) as typeof st;
  } catch {
    // not a Status: the text is the message
  }
  return new KubeApiError({
    statusCode: status,
    reason: st.reason ?? http.STATUS_CODES[status] ?? 'Unknown',
    message: st.message ?? text.slice(0, 200),
    method,
    path,
  });
}
