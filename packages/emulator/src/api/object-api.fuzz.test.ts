// Hostile request bodies never crash the write path: whatever JSON arrives, the API answers
// with an object or a StatusError below 500 (no TypeError escaping as an InternalError).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { builtinTypes } from '../kinds/builtins.js';
import { namespaceType } from '../kinds/core-types.js';
import { ServiceAllocator } from '../kinds/ip-port-allocator.js';
import { customResourceTypes } from '../kinds/custom-resource.js';
import type { ResourceType } from '../kinds/resource-type.js';
import { seededRandom } from '../kobject.js';
import { Store } from '../store/store.js';
import { ObjectApi } from './object-api.js';
import { patchObject } from './patch-op.js';

const crTypes = customResourceTypes('pools.test.io', {
  group: 'test.io',
  names: { plural: 'pools', kind: 'Pool' },
  scope: 'Namespaced',
  versions: [
    {
      name: 'v1',
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['cidr'],
              properties: {
                cidr: { type: 'string', format: 'cidr' },
                n: { type: 'integer', minimum: 0, default: 1 },
                list: {
                  type: 'array',
                  items: { type: 'object', properties: { k: { type: 'string' } } },
                  'x-kubernetes-list-type': 'map',
                  'x-kubernetes-list-map-keys': ['k'],
                },
              },
            },
          },
        },
      },
    },
  ],
});

function fresh(): ObjectApi {
  const store = new Store();
  const api = new ObjectApi({
    store,
    alloc: new ServiceAllocator({
      serviceCidrs: ['10.96.0.0/24', 'fd00::/120'],
      nodePortRange: [30000, 30100],
    }),
    now: () => 1_700_000_000_000,
    random: seededRandom(1),
    namespaceType,
  });
  api.create(
    namespaceType,
    undefined,
    { metadata: { name: 'ns' } },
    { fieldValidation: 'Ignore', dryRun: false },
  );
  return api;
}

const json = fc.jsonValue({ maxDepth: 4 });
const fieldish = fc.constantFrom(
  'spec',
  'status',
  'metadata',
  'ports',
  'type',
  'data',
  'addressType',
  'endpoints',
  'rules',
  'subjects',
  'roleRef',
  'cidr',
  'list',
);
const objectish = fc.dictionary(fieldish, json, { maxKeys: 5 });
const body = fc.oneof(
  json,
  fc.record(
    {
      metadata: fc.oneof(fc.record({ name: fc.constantFrom('x', 'y') }), json),
      spec: fc.oneof(objectish, json),
      status: fc.oneof(objectish, json),
    },
    { requiredKeys: [] },
  ),
);
const types: ResourceType[] = [...builtinTypes.filter((t) => t !== namespaceType), ...crTypes];

function expectClientError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof StatusError)) throw e;
    expect(e.status.code).toBeLessThan(500);
  }
}

describe('ObjectApi under hostile bodies', () => {
  it('create, update and patch answer with objects or 4xx Status errors', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        body,
        body,
        fc.constantFrom(
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ),
        json,
        (rt, first, second, patchType, patch) => {
          const api = fresh();
          const ns = rt.namespaced ? 'ns' : undefined;
          const withKind = (b: unknown) =>
            rt.crd && typeof b === 'object' && b !== null && !Array.isArray(b)
              ? { apiVersion: rt.apiVersion, kind: rt.kind, ...b, metadata: { name: 'x' } }
              : b;
          const opts = { fieldValidation: 'Warn' as const, dryRun: false };
          expectClientError(() => api.create(rt, ns, withKind(first), opts));
          expectClientError(() => api.update(rt, ns, 'x', withKind(second), '', opts));
          expectClientError(() =>
            patchObject(api, rt, { ns, name: 'x', sub: '' }, patchType, JSON.stringify(patch), opts),
          );
          if (rt.statusSubresource)
            expectClientError(() =>
              patchObject(api, rt, { ns, name: 'x', sub: 'status' }, patchType, JSON.stringify(patch), opts),
            );
        },
      ),
      { numRuns: 400 },
    );
  });
});
