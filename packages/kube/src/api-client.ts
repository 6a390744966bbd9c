// A small JSON client for the Kubernetes API on top of a kubeconfig (client-node's KubeConfig,
// which resolves the server, TLS material and credentials, exec plugins included, or the
// lighter ClusterAccess of loadClusterAccess).
//
// Why not the generated typed APIs: they build a new HTTP agent per request (no keep-alive),
// default PATCH to JSON Patch, and turn timestamps into Date objects on list but not on watch.
// This client keeps its connections alive (transport.ts: an undici Pool), sends the content
// type we choose, and returns the JSON the server sent, so cached objects look the same whether
// they came from a list or a watch. Watches (`watch()`) stream over their own connections.
import { STATUS_CODES } from 'node:http';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { ClusterAccess } from './cluster-access.js';
import { KubeApiError, KubeTransportError } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';
import { NodeHttpTransport } from './node-transport.js';
import { UndiciTransport } from './transport.js';
import type { Transport } from './transport.js';
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
  /** The server URL's path without a trailing slash (usually empty). */
  basePath: string;
  transport: Transport;
}

export class HttpKubeApi implements KubeApi, KubeWatchApi {
  readonly #kc: ClusterAccess;
  readonly #options: HttpKubeApiOptions;
  #connection?: Promise<Connection>;
  #connected?: Connection;
  #auth?: { at: number; headers: Record<string, string> };
  /** prom-client children per label set, made once. */
  readonly #requestCounters = new Map<string, { inc(): void }>();
  readonly #requestTimers = new Map<string, { observe(v: number): void }>();

  /** `kc`: client-node's KubeConfig, or what loadClusterAccess returns. */
  constructor(kc: ClusterAccess, options: HttpKubeApiOptions = {}) {
    this.#kc = kc;
    this.#options = options;
  }

  /** Closes the connections and open watches (a later request connects again). */
  close(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#connected = undefined;
    void connection?.then((c) => c.transport.close()).catch(() => undefined);
  }

  async #connect(): Promise<Connection> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new KubeTransportError('the kubeconfig has no current cluster');
    const url = new URL(cluster.server);
    const basePath = url.pathname.replace(/\/$/, '');
    const tls: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(tls);
    if (cluster.proxyUrl)
      // Proxies: client-node's own agent (no keep-alive across requests).
      return { basePath, transport: new NodeHttpTransport(url, tls.agent as http.Agent) };
    const transport = new UndiciTransport({
      origin: url.origin,
      connections: this.#options.maxSockets ?? 16,
      tls: {
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        pfx: tls.pfx,
        passphrase: tls.passphrase,
        servername: tls.servername,
        ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      },
    });
    return { basePath, transport };
  }

  async #getConnection(): Promise<Connection> {
    if (this.#connected) return this.#connected;
    const pending = (this.#connection ??= this.#connect());
    try {
      const c = await pending;
      if (this.#connection === pending) this.#connected = c;
      return c;
    } catch (err) {
      if (this.#connection === pending) this.#connection = undefined;
      throw err;
    }
  }

  /** Authentication headers; credentials may rotate, so they are asked again after a while. */
  async #credentials(): Promise<Record<string, string>> {
    const ttl = this.#options.credentialsTtlMs ?? 5_000;
    const cached = this.#auth;
    if (cached && performance.now() - cached.at < ttl) return cached.headers;
    const auth: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(auth);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(auth.headers ?? {}))
      if (v !== undefined) headers[k.toLowerCase()] = String(v);
    if (auth.auth) headers.authorization = `Basic ${Buffer.from(auth.auth).toString('base64')}`;
    if (ttl > 0) this.#auth = { at: performance.now(), headers };
    return headers;
  }

  async #headers(contentType?: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.#credentials()) };
    if (this.#options.userAgent) headers['user-agent'] = this.#options.userAgent;
    if (contentType) headers['content-type'] = contentType;
    return headers;
  }

  async request<T = unknown>(req: ApiRequest): Promise<T> {
    const conn = this.#connected ?? (await this.#getConnection());
    const payload = req.body !== undefined ? JSON.stringify(req.body) : undefined;
    const headers = await this.#headers(
      payload !== undefined ? (req.contentType ?? 'application/json') : undefined,
    );
    const started = performance.now();
    let res;
    try {
      res = await conn.transport.request({
        method: req.method,
        path: conn.basePath + req.path + queryString(req.query),
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        timeoutMs: req.timeoutMs ?? this.#options.timeoutMs ?? 30_000,
      });
    } catch (err) {
      this.#observe(req.method, 0, started);
      const message = err instanceof Error ? err.message : String(err);
      throw new KubeTransportError(`${req.method} ${req.path}: ${message}`, { cause: err });
    }
    const { status, text } = res;
    this.#observe(req.method, status, started);
    if (status >= 200 && status < 300) {
      try {
        return (text ? JSON.parse(text) : undefined) as T;
      } catch (err) {
        throw new KubeTransportError(`${req.method} ${req.path}: response is not JSON`, { cause: err });
      }
    }
    throw apiError(req.method, req.path, status, text);
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
   * arrive. TCP keep-alive is on, so a dead peer is noticed.
   */
  watch(req: WatchRequest, handlers: WatchHandlers): WatchHandle {
    let closed = false;
    let abort: (() => void) | undefined;
    const finish = (err?: unknown) => {
      if (closed) return;
      closed = true;
      abort?.();
      handlers.onClose(err);
    };
    const open = async () => {
      const conn = this.#connected ?? (await this.#getConnection());
      const headers = await this.#headers();
      if (closed) return;
      const decoder = new WatchLineDecoder(handlers);
      let status = 0;
      let errorText = '';
      abort = conn.transport.stream(
        {
          method: 'GET',
          path: conn.basePath + req.path + queryString({ ...req.query, watch: true }),
          headers,
          timeoutMs: this.#options.timeoutMs ?? 30_000,
        },
        {
          onStatus: (s) => {
            status = s;
            if (s === 200) handlers.onOpen?.();
          },
          onText: (text) => {
            if (closed) return;
            if (status === 200) decoder.push(text);
            else if (errorText.length < 4096) errorText += text;
          },
          onEnd: () => {
            if (closed) return;
            if (status !== 200) return finish(apiError('GET', req.path, status, errorText));
            decoder.end();
            finish();
          },
          onError: (err) =>
            finish(new KubeTransportError(`watch ${req.path}: ${err.message}`, { cause: err })),
        },
      );
    };
    open().catch((err: unknown) => finish(err));
    return {
      close: () => {
        if (closed) return;
        closed = true;
        abort?.();
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
    reason: st.reason ?? STATUS_CODES[status] ?? 'Unknown',
    message: st.message ?? text.slice(0, 200),
    method,
    path,
  });
}
