import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/generate.js';
import { crdManifests } from './crd-manifest.js';
import { kindDefinitions } from './definitions.js';
import type { KindName } from './definitions.js';
import { isMapSchema } from './schema-dsl.js';
import type { Schema } from './schema-dsl.js';
import { applyDefaults, validateSchema } from './validate-schema.js';

const allKinds: Record<KindName, true> = {
  IPAddressPool: true,
  L2Advertisement: true,
  BGPPeer: true,
  BGPAdvertisement: true,
  BFDProfile: true,
  SpeakerStatus: true,
};

function walk(s: Schema, path: string, visit: (s: Schema, path: string) => void): void {
  visit(s, path);
  if (s.type === 'array') walk(s.items, `${path}[]`, visit);
  if (s.type === 'object') {
    if (isMapSchema(s)) walk(s.additionalProperties, `${path}{}`, visit);
    else for (const [k, v] of Object.entries(s.properties)) walk(v, `${path}.${k}`, visit);
  }
}

describe('kind definitions', () => {
  it('KindName lists exactly the defined kinds', () => {
    expect(kindDefinitions.map((k) => k.kind).sort()).toEqual(Object.keys(allKinds).sort());
  });

  it.each(kindDefinitions.map((k) => [k.kind, k] as const))('%s example conforms to its schema', (_, k) => {
    expect(validateSchema(k.spec, applyDefaults(k.spec, k.example.spec), 'spec')).toEqual([]);
  });

  it.each(kindDefinitions.map((k) => [k.kind, k] as const))(
    '%s: every default conforms to its own schema',
    (_, k) => {
      for (const root of [k.spec, k.status]) {
        walk(root, k.kind, (s, path) => {
          if ('default' in s && s.default !== undefined)
            expect(validateSchema(s, s.default, path), path).toEqual([]);
          expect(s.description.length, `${path} has a description`).toBeGreaterThan(3);
        });
      }
    },
  );

  it('the CRD files on disk parse to the rendered manifests', () => {
    for (const crd of crdManifests()) {
      const plural = (crd.spec as { names: { plural: string } }).names.plural;
      const onDisk: unknown = parse(readFileSync(join(repoRoot, 'crds', `${plural}.yaml`), 'utf8'));
      expect(onDisk).toEqual(crd);
    }
  });

  it('is structural: every schema node has a type', () => {
    for (const crd of crdManifests()) {
      const check = (node: Record<string, unknown>, path: string): void => {
        expect(typeof node.type, path).toBe('string');
        for (const [k, v] of Object.entries(
          (node.properties ?? {}) as Record<string, Record<string, unknown>>,
        ))
          check(v, `${path}.${k}`);
        if (node.items) check(node.items as Record<string, unknown>, `${path}[]`);
        if (node.additionalProperties)
          check(node.additionalProperties as Record<string, unknown>, `${path}{}`);
      };
      const versions = (crd.spec as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] })
        .versions;
      check(versions[0]!.schema.openAPIV3Schema, String((crd.metadata as { name: string }).name));
    }
  });
});
