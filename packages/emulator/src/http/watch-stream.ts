// One HTTP watch response: 200 with headers flushed at once (client-node's informer and
// `kubectl wait` hang otherwise), one JSON event per line, events coalesced per event-loop
// turn into one write, bookmarks only when asked for, a server-side timeout that ends the
// stream cleanly, and a backlog limit past which a slow client is dropped.
import type { ServerResponse } from 'node:http';
import type { KObject } from '../kobject.js';
import type { EventType, WatchSink } from '../watch/watch-hub.js';

export interface WatchStreamOptions {
  /** Encodes an event when the client asked for Tables; the shared JSON line otherwise. */
  encode?: (type: EventType | 'BOOKMARK', obj: KObject, line: () => string) => string;
  /** Bytes queued in the socket past which the client counts as too slow (default 16 MiB). */
  maxBacklog?: number;
}

const pending = new Set<HttpWatchStream>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const streams = [...pending];
  pending.clear();
  for (const s of streams) s.flush();
}

export class HttpWatchStream implements WatchSink {
  private chunks: string[] = [];
  private ended = false;
  private readonly maxBacklog: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: WatchStreamOptions = {},
  ) {
    this.maxBacklog = opts.maxBacklog ?? 16 * 1024 * 1024;
  }

  /** Sends the 200 and its headers right away. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.ended;
  }

  event(type: EventType | 'BOOKMARK', object: KObject, line: () => string): boolean {
    if (this.ended) return false;
    if (this.res.writableLength > this.maxBacklog) return false;
    this.chunks.push(this.opts.encode ? this.opts.encode(type, object, line) : line());
    this.schedule();
    return true;
  }

  error(status: object): void {
    if (this.ended) return;
    this.chunks.push(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    this.schedule();
  }

  private schedule(): void {
    pending.add(this);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  }

  flush(): void {
    if (this.chunks.length === 0 || this.res.destroyed) {
      this.chunks = [];
      return;
    }
    const data = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
    this.chunks = [];
    this.res.write(data);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    pending.delete(this);
    this.flush();
    this.res.end();
  }
}
