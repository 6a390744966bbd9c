// IronLB's own CRDs (crds/*.yaml) against the emulator: each is accepted as written and
// served at once. They must not use CEL (`x-kubernetes-validations`), which the emulator does
// not evaluate: a rule added there would pass here and fail on a real cluster, so this test
// fails first and says why.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';

const dir = new URL('../../crds/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe('IronLB CRDs in the emulator', () => {
  it('finds the CRD manifests', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s is accepted, established and served, and uses no CEL rules', async (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(
      text,
      `${file} uses x-kubernetes-validations, which the emulator does not evaluate (see packages/emulator/README.md)`,
    ).not.toContain('x-kubernetes-validations');
    const crd = parse(text) as {
      spec: { group: string; names: { plural: string }; versions: { name: string }[] };
    };
    const res = await fetch(
      `${emu.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldValidation=Strict`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(crd),
      },
    );
    const created = (await res.json()) as {
      status?: { conditions?: { type: string; status: string }[] };
      message?: string;
    };
    expect(res.status, created.message).toBe(201);
    expect(created.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    for (const v of crd.spec.versions) {
      const list = await fetch(`${emu.url}/apis/${crd.spec.group}/${v.name}/${crd.spec.names.plural}`, {
        headers: { authorization: `Bearer ${emu.adminToken}` },
      });
      expect(list.status).toBe(200);
    }
  });
});
