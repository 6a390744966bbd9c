// Non-resource endpoints: /version, health, discovery documents and OpenAPI v3.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFoundPath } from '../errors.js';
import {
  AGGREGATED_V2,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregatedV2,
} from '../discovery/discovery.js';
import { sendJson } from './respond.js';
import type { ServerEnv } from './server-env.js';

export function versionInfo(minor: number): object {
  return {
    major: '1',
    minor: String(minor),
    gitVersion: `v1.${minor}.0-ironlb-emulator`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function serveNonResource(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  const accept = req.headers.accept;
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (p === '/version') return sendJson(res, 200, versionInfo(env.config.minorVersion));
  if (
    p === '/healthz' ||
    p === '/livez' ||
    p === '/readyz' ||
    p.startsWith('/livez/') ||
    p.startsWith('/readyz/') ||
    p.startsWith('/healthz/')
  ) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
    res.end('ok');
    return;
  }
  if (p === '/api') {
    if (wantsAggregatedV2(accept))
      return sendJson(res, 200, aggregatedDiscovery(env.registry, true), AGGREGATED_V2, { Vary: 'Accept' });
    return sendJson(res, 200, apiVersions(env.config.serverAddress()), 'application/json', {
      Vary: 'Accept',
    });
  }
  if (p === '/apis') {
    if (wantsAggregatedV2(accept))
      return sendJson(res, 200, aggregatedDiscovery(env.registry, false), AGGREGATED_V2, { Vary: 'Accept' });
    return sendJson(res, 200, apiGroupList(env.registry), 'application/json', { Vary: 'Accept' });
  }
  let m = /^\/api\/([^/]+)$/.exec(p);
  if (m) {
    const list = apiResourceList(env.registry, '', m[1]!);
    if (list) return sendJson(res, 200, list);
    throw notFoundPath();
  }
  m = /^\/apis\/([^/]+)$/.exec(p);
  if (m) {
    const g = apiGroup(env.registry, m[1]!);
    if (g) return sendJson(res, 200, g);
    throw notFoundPath();
  }
  m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m) {
    const list = apiResourceList(env.registry, m[1]!, m[2]!);
    if (list) return sendJson(res, 200, list);
    throw notFoundPath();
  }
  if (p === '/openapi/v3') return sendJson(res, 200, env.openapi.root());
  m = /^\/openapi\/v3\/(.+)$/.exec(p);
  if (m) {
    const d = env.openapi.groupVersion(m[1]!);
    if (d)
      return sendJson(res, 200, d.doc, 'application/json', {
        'Cache-Control': 'public, immutable',
        Etag: `"${d.hash}"`,
      });
  }
  throw notFoundPath();
}
