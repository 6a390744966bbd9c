// How HttpKubeApi's requests and watch streams reach the API server. The default transport is
// an undici Pool: keep-alive connections that requests take turns on, written and parsed with
// far less work per request than node:http's ClientRequest/Agent/IncomingMessage (the
// controller spends most of its CPU on HTTP). Watches get their own Pool, so a long-lived watch
// never holds a connection that requests wait for. Proxies go through node:http with
// client-node's agent (node-transport.ts).
import { StringDecoder } from 'node:string_decoder';
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

/** TLS material of the server (as a kubeconfig gives it). */
export type TlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'servername' | 'rejectUnauthorized'
>;

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** No answer (or no body progress) for this long fails the request. 0: never. */
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  text: string;
}

/** A streamed response: the status, then text as it arrives (UTF-8 decoded), then its end. */
export interface StreamHandlers {
  onStatus(status: number): void;
  onText(text: string): void;
  onEnd(): void;
  onError(err: Error): void;
}

export interface Transport {
  /** Resolves with any status; rejects only when no complete answer came (transport errors). */
  request(req: RawRequest): Promise<RawResponse>;
  /** Starts a streamed request; returns a function that aborts it (no handler is called after). */
  stream(req: RawRequest, handlers: StreamHandlers): () => void;
  /** Closes every connection; later requests open new ones. */
  close(): void;
}

export interface UndiciTransportOptions {
  /** e.g. `https://10.0.0.1:6443` */
  origin: string;
  tls: TlsOptions;
  /** Connections for requests (default 16). */
  connections: number;
}

/** Idle keep-alive connections are closed after this long (undici's default is 4 s). */
const KEEP_ALIVE_MS = 30_000;

export class UndiciTransport implements Transport {
  readonly #o: UndiciTransportOptions;
  #requests?: Pool;
  #watches?: Pool;

  constructor(options: UndiciTransportOptions) {
    this.#o = options;
  }

  #pool(kind: 'requests' | 'watches'): Pool {
    const existing = kind === 'requests' ? this.#requests : this.#watches;
    if (existing) return existing;
    const pool = new Pool(this.#o.origin, {
      // Watches: one connection each, as many as there are watches.
      ...(kind === 'requests' ? { connections: this.#o.connections } : {}),
      keepAliveTimeout: KEEP_ALIVE_MS,
      connect: {
        ...this.#o.tls,
        keepAlive: true,
        keepAliveInitialDelay: 30_000,
      },
    });
    if (kind === 'requests') this.#requests = pool;
    else this.#watches = pool;
    return pool;
  }

  request(req: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      this.#pool('requests').dispatch(
        {
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body ?? null,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        },
        {
          onConnect: () => undefined,
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: (chunk) => {
            chunks.push(chunk);
            return true;
          },
          onComplete: () =>
            resolve({
              status,
              text:
                chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
            }),
          onError: (err) => reject(err),
        } satisfies Dispatcher.DispatchHandler,
      );
    });
  }

  stream(req: RawRequest, handlers: StreamHandlers): () => void {
    let aborted = false;
    let abort: ((reason?: Error) => void) | undefined;
    const decoder = new StringDecoder('utf8');
    this.#pool('watches').dispatch(
      {
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body ?? null,
        headersTimeout: req.timeoutMs,
        bodyTimeout: 0, // a quiet watch is not a failed one (TCP keep-alive notices dead peers)
      },
      {
        onConnect: (a) => {
          abort = a;
          if (aborted) a(new Error('aborted'));
        },
        onHeaders: (statusCode) => {
          if (!aborted) handlers.onStatus(statusCode);
          return true;
        },
        onData: (chunk) => {
          if (!aborted) {
            const text = decoder.write(chunk);
            if (text) handlers.onText(text);
          }
          return true;
        },
        onComplete: () => {
          if (aborted) return;
          const rest = decoder.end();
          if (rest) handlers.onText(rest);
          handlers.onEnd();
        },
        onError: (err) => {
          if (!aborted) handlers.onError(err);
        },
      } satisfies Dispatcher.DispatchHandler,
    );
    return () => {
      if (aborted) return;
      aborted = true;
      abort?.(new Error('aborted'));
    };
  }

  close(): void {
    const pools = [this.#requests, this.#watches];
    this.#requests = undefined;
    this.#watches = undefined;
    for (const p of pools) void p?.destroy().catch(() => undefined);
  }
}
