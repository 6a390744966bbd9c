// The test hooks under `/__emu/` (a prefix no Kubernetes path uses), admin token only:
//   GET  /__emu/faults              current fault state
//   POST /__emu/faults              {latencyMs?, failWrites?: {fraction, code, count?} | null,
//                                    goneOnNextWatch?: n, resetNext?: n, pause?: bool,
//                                    exemptAdmin?: bool, dropWatches?: true, compact?: true,
//                                    reset?: true}
//   POST /__emu/drop-watches | /__emu/compact | /__emu/pause | /__emu/resume
//   POST /__emu/tokens              {serviceAccount, namespace?} | {user, groups?} -> {token}
//   GET  /__emu/requests            the request log
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subject } from '../auth/authn.js';
import { badRequest, notFoundPath } from '../errors.js';
import type { WriteFailure } from '../faults.js';
import { isObject } from '../json-value.js';
import { readBody, sendJson } from './respond.js';
import type { ServerEnv } from './server-env.js';

/** Applies a fault document (shared by the HTTP hook and programmatic callers). */
export function applyFaultDocument(env: ServerEnv, doc: Record<string, unknown>): void {
  const f = env.faults;
  if (doc.reset === true) f.reset();
  if (typeof doc.latencyMs === 'number') f.setLatency(doc.latencyMs);
  if (doc.failWrites === null) f.failWritesWith(null);
  else if (isObject(doc.failWrites)) {
    const fw = doc.failWrites as unknown as WriteFailure;
    if (typeof fw.fraction !== 'number' || (fw.code !== 500 && fw.code !== 429))
      throw badRequest('failWrites needs {fraction: number, code: 500 | 429}');
    f.failWritesWith({ fraction: fw.fraction, code: fw.code, count: fw.count });
  }
  if (typeof doc.goneOnNextWatch === 'number') f.goneOnNextWatch(doc.goneOnNextWatch);
  if (typeof doc.resetNext === 'number') f.resetNext(doc.resetNext);
  if (doc.pause === true) f.pause({ exemptAdmin: doc.exemptAdmin === true });
  if (doc.pause === false) f.resume();
  if (doc.dropWatches === true) f.dropWatches();
  if (doc.compact === true) f.compact();
}

export async function handleAdmin(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const action = path.slice('/__emu/'.length);
  const post = req.method === 'POST';
  const text = post ? await readBody(req) : '';
  let doc: Record<string, unknown> = {};
  if (text.trim()) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isObject(parsed)) doc = parsed;
    } catch {
      throw badRequest('admin request body must be JSON');
    }
  }
  switch (post ? action : `GET ${action}`) {
    case 'GET faults':
      return sendJson(res, 200, env.faults.state());
    case 'GET requests':
      return sendJson(res, 200, env.requestLog);
    case 'faults':
      applyFaultDocument(env, doc);
      return sendJson(res, 200, env.faults.state());
    case 'drop-watches':
      env.faults.dropWatches();
      return sendJson(res, 200, env.faults.state());
    case 'compact':
      env.faults.compact();
      return sendJson(res, 200, { compactedTo: env.store.rv });
    case 'pause':
      env.faults.pause();
      return sendJson(res, 200, env.faults.state());
    case 'resume':
      env.faults.resume();
      return sendJson(res, 200, env.faults.state());
    case 'tokens':
      return sendJson(res, 200, { token: env.authn.tokenFor(doc as unknown as Subject) });
    default:
      throw notFoundPath();
  }
}
