// Decoding a watch response body: one JSON event per line (`{"type":"ADDED","object":{...}}`),
// as the API server streams them, in chunks that split lines anywhere. Lines are cut from the
// text as it arrives (no per-line stream objects); a line that is not a JSON event is dropped
// and reported, never thrown.
import type { KubeObject } from './resource.js';

/** The event types of a watch (ERROR carries a Status; BOOKMARK only a resourceVersion). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject & { code?: number; reason?: string; message?: string };
}

export interface WatchRequest {
  /** Collection path, e.g. `/api/v1/services`; `watch=true` is added. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
}

export interface WatchHandlers {
  /** The server answered 200: events follow. */
  onOpen?(): void;
  onEvent(event: WatchEvent): void;
  /** A line that is not a watch event (dropped). */
  onMalformed?(line: string): void;
  /**
   * The stream ended: without an error when the server closed it cleanly (a watch timeout),
   * with a KubeApiError for a non-200 answer, or a KubeTransportError. Not called after close().
   */
  onClose(err?: unknown): void;
}

export interface WatchHandle {
  /** Ends the watch; onClose is not called. */
  close(): void;
}

/** Something that can open watches (HttpKubeApi). */
export interface KubeWatchApi {
  watch(req: WatchRequest, handlers: WatchHandlers): WatchHandle;
}

export function isWatchApi(api: unknown): api is KubeWatchApi {
  return typeof (api as Partial<KubeWatchApi> | undefined)?.watch === 'function';
}

const eventTypes = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Splits decoded text into lines and turns each into an event. */
export class WatchLineDecoder {
  #rest = '';
  readonly #handlers: WatchHandlers;

  constructor(handlers: WatchHandlers) {
    this.#handlers = handlers;
  }

  /** Feeds a chunk of text (already UTF-8 decoded, so no character is split). */
  push(chunk: string): void {
    let text = chunk;
    if (this.#rest !== '') {
      text = this.#rest + chunk;
      this.#rest = '';
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) this.#line(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) this.#rest = text.slice(start);
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    const rest = this.#rest;
    this.#rest = '';
    if (rest.trim() !== '') this.#line(rest);
  }

  #line(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.#handlers.onMalformed?.(line);
      return;
    }
    const ev = parsed as Partial<WatchEvent> | null;
    if (
      ev === null ||
      typeof ev !== 'object' ||
      typeof ev.type !== 'string' ||
      !eventTypes.has(ev.type) ||
      typeof ev.object !== 'object' ||
      ev.object === null
    ) {
      if (line.trim() !== '') this.#handlers.onMalformed?.(line);
      return;
    }
    this.#handlers.onEvent(ev as WatchEvent);
  }
}
