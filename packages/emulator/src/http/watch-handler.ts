// `GET …?watch=true`: open the stream, replay or send the current state, then tail (§6.13).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, expired, tooLargeResourceVersion } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';
import { matchesFields } from '../selectors/field-selector.js';
import type { FieldSelector } from '../selectors/field-selector.js';
import { matchesLabels } from '../selectors/label-selector.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { renderTable } from '../tables/table.js';
import type { EventType } from '../watch/watch-hub.js';
import type { ServerEnv } from './server-env.js';
import { HttpWatchStream } from './watch-stream.js';
import { servedAs } from './served-version.js';

export interface WatchRequest {
  rt: ResourceType;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldSelector;
  query: URLSearchParams;
  table: boolean;
}

function parseRv(text: string | null): number | undefined {
  if (text === null || text === '' || text === '0') return undefined;
  if (!/^\d+$/.test(text))
    throw badRequest(`resourceVersion: Invalid value: "${text}": must be a valid resource version`);
  return Number(text);
}

export function serveWatch(
  env: ServerEnv,
  _req: IncomingMessage,
  res: ServerResponse,
  w: WatchRequest,
): void {
  const { rt, namespace, labels, fields, query } = w;
  const fromRv = parseRv(query.get('resourceVersion'));
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const initialEvents = query.get('sendInitialEvents') === 'true';
  const encode = w.table
    ? (type: EventType | 'BOOKMARK', obj: KObject): string =>
        `${JSON.stringify({
          type,
          object:
            type === 'BOOKMARK'
              ? obj
              : renderTable(rt, [servedAs(rt, obj)], { now: env.now(), include: 'Metadata' }),
        })}\n`
    : rt.crd
      ? (type: EventType | 'BOOKMARK', obj: KObject, line: () => string): string => {
          const served = type === 'BOOKMARK' ? obj : servedAs(rt, obj);
          return served === obj ? line() : `${JSON.stringify({ type, object: served })}\n`;
        }
      : undefined;
  const stream = new HttpWatchStream(res, { encode });
  stream.open();
  if (env.faults.takeGone()) {
    stream.error(expired(`too old resource version: ${fromRv ?? 0} (${env.store.rv})`).status);
    stream.close();
    return;
  }
  if (fromRv !== undefined && fromRv > env.store.rv) {
    stream.error(tooLargeResourceVersion(fromRv, env.store.rv).status);
    stream.close();
    return;
  }
  const bucket = env.store.bucket(rt.bucketId);
  const filter = {
    matches: (o: KObject): boolean =>
      (!namespace || o.metadata.namespace === namespace) &&
      matchesLabels(labels, o.metadata.labels) &&
      matchesFields(fields, o, rt.strategy.fields),
  };
  const bookmark = (extra?: Record<string, string>): void => {
    const obj: KObject = {
      kind: rt.kind,
      apiVersion: rt.apiVersion,
      metadata: { resourceVersion: String(env.store.rv), ...(extra ? { annotations: extra } : {}) },
    };
    stream.event('BOOKMARK', obj, () => `${JSON.stringify({ type: 'BOOKMARK', object: obj })}\n`);
  };
  const watcher = bucket.hub.watch(fromRv, filter, stream, () => env.store.list(bucket, namespace));
  if (!watcher || watcher.closed) return;
  if (initialEvents && fromRv === undefined && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  const timeoutParam = query.get('timeoutSeconds');
  const min = env.config.watchTimeoutSeconds;
  const timeoutS =
    timeoutParam !== null && /^\d+$/.test(timeoutParam) ? Number(timeoutParam) : min + env.random() * min;
  const timers: NodeJS.Timeout[] = [];
  const end = (): void => {
    for (const t of timers) clearTimeout(t);
    if (bookmarks) bookmark();
    bucket.hub.drop(watcher);
  };
  timers.push(setTimeout(end, timeoutS * 1000));
  if (bookmarks && env.config.bookmarkIntervalMs > 0) {
    const iv = setInterval(() => bookmark(), env.config.bookmarkIntervalMs);
    timers.push(iv);
  }
  for (const t of timers) t.unref();
  res.on('close', () => {
    for (const t of timers) clearTimeout(t);
    bucket.hub.forget(watcher);
  });
}
