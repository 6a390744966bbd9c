// A minimal OpenAPI v3 (§5.3 of the design brief): for every served kind, a PATCH operation
// with `x-kubernetes-group-version-kind` and the `fieldValidation` query parameter, which
// is what kubectl's query-param verifier looks for before it sends fieldValidation=Strict.
// Strategic merge is left out of the request body types on purpose, so kubectl computes
// apply patches from its compiled-in types instead of from (absent) schemas.
import { createHash } from 'node:crypto';
import type { Registry } from '../kinds/registry.js';
import type { ResourceType } from '../kinds/resource-type.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function itemPath(rt: ResourceType): string {
  const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  return rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}/{name}` : `${base}/${rt.plural}/{name}`;
}

function patchOp(rt: ResourceType): object {
  const schemaRef = { type: 'object' };
  return {
    description: `partially update the specified ${rt.kind}`,
    operationId: `patch${rt.kind}`,
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
    ],
    requestBody: {
      content: {
        'application/json-patch+json': { schema: schemaRef },
        'application/merge-patch+json': { schema: schemaRef },
      },
      required: true,
    },
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: schemaRef } } } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
  };
}

export class OpenApi {
  private cache = new Map<string, { doc: string; hash: string }>();
  private cachedAt = -1;

  constructor(private readonly reg: Registry) {}

  private refresh(): void {
    if (this.cachedAt === this.reg.generation) return;
    this.cache.clear();
    for (const g of this.reg.groupVersions()) {
      for (const v of g.versions) {
        const paths: Record<string, object> = {};
        for (const rt of this.reg.inGroupVersion(g.group, v)) paths[itemPath(rt)] = { patch: patchOp(rt) };
        const doc = JSON.stringify({
          openapi: '3.0.0',
          info: { title: 'Kubernetes', version: 'v1.32.0' },
          paths,
          components: { schemas: {} },
        });
        const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
        this.cache.set(gvPath(g.group, v), { doc, hash });
      }
    }
    this.cachedAt = this.reg.generation;
  }

  root(): object {
    this.refresh();
    const paths: Record<string, object> = {};
    for (const [p, d] of this.cache) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return { paths };
  }

  /** The document for `api/v1` or `apis/G/V`, or undefined. */
  groupVersion(path: string): { doc: string; hash: string } | undefined {
    this.refresh();
    return this.cache.get(path);
  }
}
