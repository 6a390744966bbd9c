// Requests on `/api/v1/...` and `/apis/G/V/...` resources: resolve the type, pick the verb,
// call the ObjectApi and write the JSON or Table answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { patchObject } from '../api/patch-op.js';
import type { FieldValidation, WriteOptions } from '../api/write-pipeline.js';
import { badRequest, methodNotAllowed, notAcceptable, notFoundPath } from '../errors.js';
import { PROTOBUF_CONTENT_TYPE } from '../protobuf/kube-protobuf.js';
import { decodeRequestBody } from './request-body.js';
import { isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { rfc3339Seconds } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';
import { parseFieldSelector } from '../selectors/field-selector.js';
import { parseLabelSelector } from '../selectors/label-selector.js';
import { objectJson } from '../store/store.js';
import type { IncludeObject } from '../tables/table.js';
import { renderTable } from '../tables/table.js';
import { paginate } from './list-pages.js';
import { servedAs } from './served-version.js';
import type { ResourceRequest } from './request-info.js';
import { TABLE_CONTENT_TYPE, acceptsJson, readBody, readBodyBytes, sendJson, wantsTable } from './respond.js';
import type { ServerEnv } from './server-env.js';
import { serveWatch } from './watch-handler.js';

/** The RBAC verb of a request (`get`, `list`, `watch`, `create`, ...). */
export function verbOf(method: string, info: ResourceRequest, query: URLSearchParams): string {
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : info.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return info.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Finds the served type; 404 for unknown resources, subresources or scope mismatches. */
export function resolveType(env: ServerEnv, info: ResourceRequest): ResourceType {
  const rt = env.registry.lookup(info.group, info.version, info.resource);
  if (!rt) throw notFoundPath();
  const tokenRequest = info.subresource === 'token' && rt.group === '' && rt.plural === 'serviceaccounts';
  if (info.subresource && !(info.subresource === 'status' && rt.statusSubresource) && !tokenRequest)
    throw notFoundPath();
  if (!rt.namespaced && info.namespace !== undefined) throw notFoundPath();
  return rt;
}

function writeOptions(query: URLSearchParams): WriteOptions {
  const fv = query.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv))
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${fv}"`);
  const dry = query.getAll('dryRun');
  if (dry.some((d) => d !== 'All'))
    throw badRequest(`dryRun: Unsupported value: "${dry.join(',')}": supported values: "All"`);
  return { fieldValidation: fv as FieldValidation, dryRun: dry.length > 0 };
}

function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

function sendObject(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  obj: KObject,
  code: number,
  warnings: string[] = [],
): void {
  if (wantsTable(req.headers.accept) && req.method === 'GET') {
    sendJson(
      res,
      code,
      renderTable(rt, [servedAs(rt, obj)], {
        now: env.now(),
        include: includeOf(new URL(req.url ?? '/', 'http://x').searchParams),
      }),
      TABLE_CONTENT_TYPE,
    );
    return;
  }
  sendJson(res, code, objectJson(servedAs(rt, obj)), 'application/json', warningHeaders(warnings));
}

function includeOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/**
 * `serviceaccounts/<name>/token` (TokenRequest, what `kubectl create token` calls): a bearer
 * token that authenticates as the ServiceAccount. The request body (audiences, expiry) is
 * ignored and the token does not expire.
 */
function createToken(env: ServerEnv, rt: ResourceType, ns: string | undefined, name: string): object {
  const sa = env.api.get(rt, ns, name);
  const now = env.now();
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: rfc3339Seconds(now) },
    spec: { audiences: null, expirationSeconds: 3600, boundObjectRef: null },
    status: {
      token: env.authn.tokenFor({ serviceAccount: sa.metadata.name!, namespace: sa.metadata.namespace }),
      expirationTimestamp: rfc3339Seconds(now + 3600_000),
    },
  };
}

export async function handleResource(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  query: URLSearchParams,
  rt: ResourceType,
): Promise<void> {
  const verb = verbOf(req.method ?? 'GET', info, query);
  const ns = info.namespace;
  const accept = req.headers.accept;
  if (!acceptsJson(accept) && !wantsTable(accept))
    throw notAcceptable(['application/json', 'application/yaml']);
  switch (verb) {
    case 'get': {
      sendObject(env, req, res, rt, env.api.get(rt, ns, info.name!), 200);
      return;
    }
    case 'list':
    case 'watch': {
      if (info.subresource) throw methodNotAllowed();
      const labels = parseLabelSelector(query.get('labelSelector'));
      let fieldText = query.get('fieldSelector');
      if (info.name)
        fieldText = fieldText ? `${fieldText},metadata.name=${info.name}` : `metadata.name=${info.name}`;
      const fields = parseFieldSelector(fieldText, rt.strategy.fields);
      if (verb === 'watch') {
        serveWatch(env, req, res, { rt, namespace: ns, labels, fields, query, table: wantsTable(accept) });
        return;
      }
      const listed = env.api.list(rt, ns, { labels, fields });
      const page = paginate(listed.items, listed.rv, query, env.store.bucket(rt.bucketId).hub.compactedRv);
      const items = page.items;
      const meta: Record<string, unknown> = { resourceVersion: String(page.rv) };
      if (page.continueToken)
        Object.assign(meta, { continue: page.continueToken, remainingItemCount: page.remaining });
      if (wantsTable(accept)) {
        const table = renderTable(rt, rt.crd ? items.map((o) => servedAs(rt, o)) : items, {
          now: env.now(),
          include: includeOf(query),
        }) as {
          metadata: object;
        };
        table.metadata = meta;
        sendJson(res, 200, table, TABLE_CONTENT_TYPE);
        return;
      }
      let body = `{"kind":"${rt.listKind}","apiVersion":"${rt.apiVersion}","metadata":${JSON.stringify(meta)},"items":[`;
      for (let i = 0; i < items.length; i++) body += (i ? ',' : '') + objectJson(servedAs(rt, items[i]!));
      sendJson(res, 200, `${body}]}`);
      return;
    }
    case 'create': {
      if (info.subresource === 'token' && info.name) {
        await readBodyBytes(req);
        sendJson(res, 201, createToken(env, rt, ns, info.name));
        return;
      }
      if (info.name || info.subresource) throw methodNotAllowed();
      if (rt.namespaced && !ns) throw notFoundPath();
      const opts = writeOptions(query);
      const body = decodeRequestBody(
        await readBodyBytes(req),
        String(req.headers['content-type'] ?? 'application/json'),
      );
      const r = env.api.create(rt, ns, body, opts);
      sendObject(env, req, res, rt, r.object, r.code, r.warnings);
      return;
    }
    case 'update': {
      const opts = writeOptions(query);
      const body = decodeRequestBody(
        await readBodyBytes(req),
        String(req.headers['content-type'] ?? 'application/json'),
      );
      const r = env.api.update(rt, ns, info.name!, body, info.subresource, opts);
      sendObject(env, req, res, rt, r.object, r.code, r.warnings);
      return;
    }
    case 'patch': {
      const opts = writeOptions(query);
      const text = await readBody(req);
      const r = patchObject(
        env.api,
        rt,
        { ns, name: info.name!, sub: info.subresource },
        String(req.headers['content-type'] ?? ''),
        text,
        opts,
      );
      sendObject(env, req, res, rt, r.object, r.code, r.warnings);
      return;
    }
    case 'delete': {
      if (info.subresource) throw methodNotAllowed();
      const raw = await readBodyBytes(req);
      const ct = String(req.headers['content-type'] ?? 'application/json');
      // DeleteOptions sent as protobuf are ignored (defaults apply).
      const body = ct.startsWith(PROTOBUF_CONTENT_TYPE) ? undefined : decodeRequestBody(raw, ct);
      const del = isObject(body) ? body : {};
      const dryRun =
        query.getAll('dryRun').length > 0 || (Array.isArray(del.dryRun) && del.dryRun.length > 0);
      const pre = isObject(del.preconditions)
        ? (del.preconditions as { uid?: string; resourceVersion?: string })
        : undefined;
      const propagationPolicy =
        query.get('propagationPolicy') ??
        (typeof del.propagationPolicy === 'string' ? del.propagationPolicy : undefined);
      const r = env.api.delete(rt, ns, info.name!, { preconditions: pre, dryRun, propagationPolicy });
      sendJson(res, r.code, r.body === r.object ? objectJson(r.object) : JSON.stringify(r.body));
      return;
    }
    case 'deletecollection': {
      const labels = parseLabelSelector(query.get('labelSelector'));
      const fields = parseFieldSelector(query.get('fieldSelector'), rt.strategy.fields);
      const items = env.api.deleteCollection(rt, ns, { labels, fields }, query.getAll('dryRun').length > 0);
      let body = `{"kind":"${rt.listKind}","apiVersion":"${rt.apiVersion}","metadata":{"resourceVersion":"${env.store.rv}"},"items":[`;
      body += items.map(objectJson).join(',');
      sendJson(res, 200, `${body}]}`);
      return;
    }
    default:
      throw methodNotAllowed();
  }
}
