// The HTTP front: authentication, fault gates, authorization, routing to discovery, access
// reviews, resources or the admin hooks, and Status bodies for every failure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/authn.js';
import type { Attributes } from '../auth/rbac.js';
import { forbiddenReason } from '../auth/rbac.js';
import {
  StatusError,
  forbidden,
  internalError,
  statusBody,
  tooManyRequests,
  unauthorized,
} from '../errors.js';
import { handleAdmin } from './admin-handler.js';
import { parseRequestPath } from './request-info.js';
import { handleResource, resolveType, verbOf } from './resource-handler.js';
import { sendStatus } from './respond.js';
import { handleReview, reviewResources } from './review-handler.js';
import { serveNonResource } from './non-resource.js';
import type { ServerEnv } from './server-env.js';

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function record(env: ServerEnv, req: IncomingMessage, url: URL, status: number, user: string): void {
  if (env.requestLogLimit <= 0) return;
  env.requestLog.push({
    method: req.method ?? '',
    path: url.pathname,
    query: url.search,
    contentType: String(req.headers['content-type'] ?? ''),
    status,
    user,
  });
  if (env.requestLog.length > env.requestLogLimit)
    env.requestLog.splice(0, env.requestLog.length - env.requestLogLimit);
}

function authorize(env: ServerEnv, a: Attributes): void {
  if (!env.config.rbacEnabled) return;
  if (env.rbac.authorize(a).allowed) return;
  if (!a.resourceRequest)
    throw new StatusError(statusBody(403, 'Forbidden', `forbidden: ${forbiddenReason(a)}`, {}));
  throw forbidden(
    { group: a.apiGroup, plural: a.subresource ? `${a.resource}/${a.subresource}` : a.resource },
    a.name,
    forbiddenReason(a),
  );
}

async function route(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: UserInfo,
): Promise<void> {
  const info = parseRequestPath(url.pathname);
  if (info.kind === 'other') {
    authorize(env, {
      user,
      verb: (req.method ?? 'GET').toLowerCase(),
      resourceRequest: false,
      apiGroup: '',
      resource: '',
      subresource: '',
      name: '',
      namespace: '',
      path: url.pathname,
    });
    serveNonResource(env, req, res, url.pathname);
    return;
  }
  const verb = verbOf(req.method ?? 'GET', info, url.searchParams);
  authorize(env, {
    user,
    verb,
    resourceRequest: true,
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name ?? '',
    namespace: info.namespace ?? (info.resource === 'namespaces' ? (info.name ?? '') : ''),
    path: url.pathname,
  });
  if (reviewResources[info.group]?.includes(info.resource)) {
    await handleReview(env, req, res, info.group, info.resource, user);
    return;
  }
  const rt = resolveType(env, info);
  if (WRITE_VERBS.has(verb)) {
    const code = env.faults.writeFailure();
    if (code === 429) throw tooManyRequests(1);
    if (code === 500) throw internalError('injected fault');
  }
  await handleResource(env, req, res, info, url.searchParams, rt);
}

export function createRequestHandler(env: ServerEnv): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    let username = '';
    const run = async (): Promise<void> => {
      const user = env.authn.authenticate(req.headers.authorization);
      if (url.pathname.startsWith('/__emu/')) {
        if (!user || !env.authn.isAdmin(user)) throw unauthorized();
        await handleAdmin(env, req, res, url.pathname);
        return;
      }
      if (env.faults.takeReset()) {
        req.socket.destroy();
        return;
      }
      if (!user) throw unauthorized();
      const wait = env.faults.gate(env.authn.isAdmin(user));
      if (wait) await wait;
      username = user.username;
      await route(env, req, res, url, user);
    };
    run().then(
      () => record(env, req, url, res.statusCode, username),
      (e: unknown) => {
        const status =
          e instanceof StatusError
            ? e.status
            : internalError(e instanceof Error ? e.message : String(e)).status;
        if (!(e instanceof StatusError))
          env.logger?.error({ event: 'requestFailed', err: e, path: url.pathname }, 'request failed');
        if (!res.headersSent) sendStatus(res, status);
        else res.end();
        record(env, req, url, status.code, username);
      },
    );
  };
}
