// KindDefinition -> apiextensions.k8s.io/v1 CustomResourceDefinition (a plain object).
// scripts/generate.ts writes these as crds/<plural>.yaml; tests install them into the emulator.
import { API_VERSION, GROUP, VERSION, kindDefinitions } from './definitions.js';
import { isMapSchema } from './schema-dsl.js';
import type { KindDefinition, Schema } from './schema-dsl.js';

/** An OpenAPI v3 structural schema node as it appears in a CRD. */
export type OpenApiSchema = { [key: string]: unknown };

export function toOpenApi(s: Schema): OpenApiSchema {
  const out: OpenApiSchema = { type: s.type, description: s.description };
  switch (s.type) {
    case 'string':
      copy(out, s, ['format', 'enum', 'pattern', 'minLength', 'maxLength', 'default']);
      break;
    case 'integer':
      copy(out, s, ['format', 'minimum', 'maximum', 'default']);
      break;
    case 'boolean':
      copy(out, s, ['default']);
      break;
    case 'array':
      out.items = toOpenApi(s.items);
      copy(out, s, ['minItems', 'maxItems']);
      if (s.listType) out['x-kubernetes-list-type'] = s.listType;
      if (s.listMapKeys) out['x-kubernetes-list-map-keys'] = [...s.listMapKeys];
      break;
    case 'object':
      if (isMapSchema(s)) {
        out.additionalProperties = toOpenApi(s.additionalProperties);
        copy(out, s, ['maxProperties']);
      } else {
        if (s.required && s.required.length > 0) out.required = [...s.required];
        out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toOpenApi(v)]));
        copy(out, s, ['default']);
      }
      break;
  }
  return out;
}

function copy<T extends object>(out: OpenApiSchema, from: T, keys: readonly (keyof T)[]): void {
  for (const key of keys) {
    const value = from[key];
    if (value !== undefined) out[key as string] = Array.isArray(value) ? [...value] : value;
  }
}

/** Whether the object needs a `spec` (it has required fields and no default). */
export function specRequired(def: KindDefinition): boolean {
  return def.spec.default === undefined;
}

export function crdManifest(def: KindDefinition): Record<string, unknown> {
  const root: OpenApiSchema = {
    type: 'object',
    description: def.description,
    properties: {
      apiVersion: { type: 'string', description: `\`${API_VERSION}\`.` },
      kind: { type: 'string', description: `\`${def.kind}\`.` },
      metadata: { type: 'object' },
      spec: toOpenApi(def.spec),
      status: toOpenApi(def.status),
    },
  };
  if (specRequired(def)) root.required = ['spec'];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'ironlb' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: [...def.shortNames],
        categories: ['ironlb'],
      },
      scope: 'Cluster',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns.map((c) => ({
            name: c.name,
            type: c.type,
            jsonPath: c.jsonPath,
            description: c.description,
            ...(c.priority ? { priority: c.priority } : {}),
          })),
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

/** The CRD manifests of every IronLB kind, ready to be created on an API server. */
export function crdManifests(): Record<string, unknown>[] {
  return kindDefinitions.map(crdManifest);
}
