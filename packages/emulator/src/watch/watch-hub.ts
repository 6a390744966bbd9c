// The watch hub of one resource type: a bounded log of committed events plus live fan-out to
// the open watch streams (kine's "replay after revision, then tail" model, §6.13 of the
// design brief). Everything is synchronous: a commit appends to the log and writes to every
// stream before the next request runs, so replay and live delivery never skip or repeat.
import type { KObject } from '../kobject.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: EventType;
  rv: number;
  /** The object after the write (for DELETED: its last state, carrying the deletion's RV). */
  object: KObject;
  /** The object before the write (MODIFIED only), for selector transitions. */
  prev?: KObject;
}

/** Where a watch stream's events go; `write` returns false when the stream must be dropped. */
export interface WatchSink {
  event(type: EventType | 'BOOKMARK', object: KObject, line: () => string): boolean;
  error(status: object): void;
  close(): void;
}

export interface WatchFilter {
  /** True when the object belongs to this stream (namespace, label and field selectors). */
  matches(obj: KObject): boolean;
}

export interface Watcher {
  readonly filter: WatchFilter;
  readonly sink: WatchSink;
  closed: boolean;
}

const lineCache = new WeakMap<KObject, Partial<Record<string, string>>>();

/** The JSON line of an event, encoded once and shared by every stream that sends it. */
export function eventLine(type: string, object: KObject): string {
  let byType = lineCache.get(object);
  if (!byType) {
    byType = {};
    lineCache.set(object, byType);
  }
  let line = byType[type];
  if (line === undefined) {
    line = `{"type":"${type}","object":${JSON.stringify(object)}}\n`;
    byType[type] = line;
  }
  return line;
}

function withRv(obj: KObject, rv: number): KObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

export interface HubOptions {
  /** How many events the log keeps before it compacts itself. */
  retainEvents: number;
}

export class WatchHub {
  private log: StoredEvent[] = [];
  private head = 0;
  /** Events with rv <= compactedRv are gone; a watch from below it gets 410. */
  compactedRv: number;
  readonly watchers = new Set<Watcher>();

  constructor(
    private readonly opts: HubOptions,
    startRv: number,
  ) {
    this.compactedRv = startRv;
  }

  get size(): number {
    return this.log.length - this.head;
  }

  /** Records a committed event and delivers it to every matching stream. */
  append(ev: StoredEvent): void {
    this.log.push(ev);
    if (this.log.length - this.head > this.opts.retainEvents) this.dropOldest(1);
    for (const w of this.watchers) this.deliver(w, ev);
  }

  /** Forgets every event up to and including `rv` (all of them when omitted). */
  compact(rv?: number): void {
    const upto = rv ?? Infinity;
    let n = 0;
    while (this.head + n < this.log.length && this.log[this.head + n]!.rv <= upto) n++;
    this.dropOldest(n);
    if (rv !== undefined && rv > this.compactedRv) this.compactedRv = rv;
  }

  private dropOldest(n: number): void {
    if (n <= 0) return;
    this.compactedRv = Math.max(this.compactedRv, this.log[this.head + n - 1]!.rv);
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Opens a stream. `fromRv` undefined means "current state first": `initial` gives the objects
   * to send as synthetic ADDED events. Returns undefined when the stream was refused with 410.
   */
  watch(
    fromRv: number | undefined,
    filter: WatchFilter,
    sink: WatchSink,
    initial: () => Iterable<KObject>,
  ): Watcher | undefined {
    const w: Watcher = { filter, sink, closed: false };
    if (fromRv === undefined) {
      for (const obj of initial()) {
        if (filter.matches(obj) && !sink.event('ADDED', obj, () => eventLine('ADDED', obj))) {
          this.drop(w);
          return w;
        }
      }
    } else {
      if (fromRv < this.compactedRv) {
        sink.error({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${fromRv} (${this.compactedRv + 1})`,
          reason: 'Expired',
          code: 410,
        });
        sink.close();
        return undefined;
      }
      for (let i = this.firstAfter(fromRv); i < this.log.length; i++) {
        this.deliver(w, this.log[i]!);
        if (w.closed) return w;
      }
    }
    this.watchers.add(w);
    return w;
  }

  /** Index of the first retained event with rv > fromRv (binary search: RVs increase). */
  private firstAfter(fromRv: number): number {
    let lo = this.head;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private deliver(w: Watcher, ev: StoredEvent): void {
    if (w.closed) return;
    let type: EventType;
    let obj: KObject;
    const now = w.filter.matches(ev.object);
    if (ev.type === 'MODIFIED') {
      const before = ev.prev ? w.filter.matches(ev.prev) : now;
      if (now && before) [type, obj] = ['MODIFIED', ev.object];
      else if (now) [type, obj] = ['ADDED', ev.object];
      else if (before) [type, obj] = ['DELETED', withRv(ev.prev!, ev.rv)];
      else return;
    } else {
      if (!now) return;
      [type, obj] = [ev.type, ev.object];
    }
    if (!w.sink.event(type, obj, () => eventLine(type, obj))) this.drop(w);
  }

  /** Ends one stream: the client sees a clean close and re-watches from its last RV. */
  drop(w: Watcher): void {
    if (w.closed) return;
    w.closed = true;
    this.watchers.delete(w);
    w.sink.close();
  }

  dropAll(): void {
    for (const w of [...this.watchers]) this.drop(w);
  }

  /** Forgets a watcher whose client went away (no close sent). */
  forget(w: Watcher): void {
    w.closed = true;
    this.watchers.delete(w);
  }
}
