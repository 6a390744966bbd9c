// The transport for API servers behind a proxy: node:http(s) with the agent client-node makes
// for the kubeconfig's `proxy-url` (HTTP, HTTPS and SOCKS proxies), which keeps no connection
// alive across requests. See transport.ts for the interface and the default transport.
import type * as http from 'node:http';
import * as httpModule from 'node:http';
import * as https from 'node:https';
import type { RawRequest, RawResponse, StreamHandlers, Transport } from './transport.js';

export class NodeHttpTransport implements Transport {
  readonly #url: URL;
  readonly #agent: http.Agent;
  readonly #open = new Set<http.ClientRequest>();

  constructor(url: URL, agent: http.Agent) {
    this.#url = url;
    this.#agent = agent;
  }

  #start(req: RawRequest, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
    const transport = this.#url.protocol === 'https:' ? https : httpModule;
    const headers = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = transport.request(
      {
        protocol: this.#url.protocol,
        hostname: this.#url.hostname,
        port: this.#url.port,
        method: req.method,
        path: req.path,
        headers,
        agent: this.#agent,
      },
      onResponse,
    );
    this.#open.add(r);
    r.on('close', () => this.#open.delete(r));
    if (req.timeoutMs > 0)
      r.setTimeout(req.timeoutMs, () => r.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    r.end(req.body);
    return r;
  }

  request(req: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const r = this.#start(req, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      r.on('error', reject);
    });
  }

  stream(req: RawRequest, handlers: StreamHandlers): () => void {
    let aborted = false;
    const fail = (err: Error) => {
      if (aborted) return;
      aborted = true;
      handlers.onError(err);
    };
    const r = this.#start({ ...req, timeoutMs: 0 }, (res) => {
      if (aborted) return;
      res.socket?.setKeepAlive(true, 30_000);
      handlers.onStatus(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        if (!aborted) handlers.onText(text);
      });
      res.on('end', () => {
        if (aborted) return;
        aborted = true;
        handlers.onEnd();
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the stream was cut'));
      });
    });
    r.on('error', fail);
    return () => {
      aborted = true;
      r.destroy();
    };
  }

  close(): void {
    for (const r of this.#open) r.destroy();
    this.#open.clear();
    this.#agent.destroy();
  }
}
