// A tiny stand-in for the API server, for this package's own tests of the informer and the
// HTTP client before (and besides) the emulator: one resource collection with list (paged),
// watch (replay from a resourceVersion, 410 after compaction), get, and switches to fail
// requests and drop watches. Not a Kubernetes emulator: see @ironlb/emulator for that.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

type Obj = {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
};
type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Obj; rv: number };

export class StubApiServer {
  readonly #server: http.Server;
  readonly #objects = new Map<string, Obj>();
  readonly #log: WatchEvent[] = [];
  readonly #watchers = new Set<http.ServerResponse>();
  #rv = 100;
  #compactedBelow = 0;
  /** Fail the next N list requests with this status. */
  failLists: { count: number; status: number } = { count: 0, status: 500 };
  /** Fail the next N watch requests with this status. */
  failWatches: { count: number; status: number } = { count: 0, status: 500 };
  readonly requests: string[] = [];
  port = 0;

  constructor(
    readonly collectionPath: string,
    readonly kind: string,
  ) {
    this.#server = http.createServer((req, res) => this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.dropWatches();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stub', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'stub', token: 'stub-token' }],
      contexts: [{ name: 'stub', cluster: 'stub', user: 'stub' }],
      currentContext: 'stub',
    });
    return kc;
  }

  #key(o: Obj): string {
    return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
  }

  /** Creates or updates an object and tells the watchers. */
  put(input: { metadata?: { name?: string; namespace?: string } }): Obj {
    const o = input as Obj;
    const key = this.#key(o);
    const type = this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone({
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(++this.#rv) },
    });
    this.#objects.set(key, stored);
    this.#emit({ type, object: stored, rv: this.#rv });
    return stored;
  }

  delete(key: string): void {
    const o = this.#objects.get(key);
    if (!o) return;
    this.#objects.delete(key);
    const last = { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.#rv) } };
    this.#emit({ type: 'DELETED', object: last, rv: this.#rv });
  }

  /** Forgets the event log: watches from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.#compactedBelow = this.#rv;
    this.#log.length = 0;
  }

  /** Ends every watch stream cleanly (as a server timeout does). */
  dropWatches(): void {
    for (const w of this.#watchers) w.end();
    this.#watchers.clear();
  }

  /** Changes state without telling watchers (as if the events were compacted away). */
  silentlyDelete(key: string): void {
    this.#objects.delete(key);
    ++this.#rv;
    this.compact();
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  #emit(e: WatchEvent): void {
    this.#log.push(e);
    const line = `${JSON.stringify({ type: e.type, object: e.object })}\n`;
    for (const w of this.#watchers) w.write(line);
  }

  #send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }

  #status(res: http.ServerResponse, code: number, reason: string): void {
    this.#send(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      message: reason,
      code,
    });
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === this.collectionPath && req.method === 'GET') {
      if (url.searchParams.get('watch') === 'true') return this.#watch(url, res);
      if (this.failLists.count > 0) {
        this.failLists.count--;
        return this.#status(res, this.failLists.status, 'InternalError');
      }
      const items = [...this.#objects.values()].map((o) => {
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest;
      });
      const limit = Number(url.searchParams.get('limit') ?? 0) || items.length;
      const start = Number(url.searchParams.get('continue') ?? 0);
      const page = items.slice(start, start + limit);
      const next = start + limit < items.length ? String(start + limit) : undefined;
      return this.#send(res, 200, {
        kind: `${this.kind}List`,
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.#rv), ...(next ? { continue: next } : {}) },
        items: page,
      });
    }
    if (url.pathname.startsWith(`${this.collectionPath}/`) && req.method === 'GET') {
      const key = decodeURIComponent(url.pathname.slice(this.collectionPath.length + 1));
      const o = this.#objects.get(key);
      return o ? this.#send(res, 200, o) : this.#status(res, 404, 'NotFound');
    }
    this.#status(res, 404, 'NotFound');
  }

  #watch(url: URL, res: http.ServerResponse): void {
    if (this.failWatches.count > 0) {
      this.failWatches.count--;
      return this.#status(res, this.failWatches.status, 'InternalError');
    }
    const from = Number(url.searchParams.get('resourceVersion') || 0);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (from !== 0 && from < this.#compactedBelow) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', message: 'too old resource version', code: 410 } })}\n`,
      );
      return;
    }
    if (from === 0)
      for (const o of this.#objects.values()) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    else
      for (const e of this.#log)
        if (e.rv > from) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    this.#watchers.add(res);
    res.on('close', () => this.#watchers.delete(res));
  }
}
