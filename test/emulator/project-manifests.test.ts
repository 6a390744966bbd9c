// IronLB's own manifests against the emulator: each CRD in crds/*.yaml is accepted as written
// and served at once, and the whole config/manifests/ironlb.yaml applies with kubectl (and
// re-applies unchanged). They must not use CEL (`x-kubernetes-validations`), which the emulator does
// not evaluate: a rule added there would pass here and fail on a real cluster, so this test
// fails first and says why.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';
import { Kubectl } from './kubectl.js';

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

  it('config/manifests/ironlb.yaml applies with kubectl, then re-applies unchanged', async () => {
    const manifest = new URL('../../config/manifests/ironlb.yaml', import.meta.url).pathname;
    const k = new Kubectl(emu);
    try {
      const first = await k.run(['apply', '-f', manifest], {
        allow: [{ method: 'GET', path: /./, status: 404 }],
      });
      const lines = first.stdout.trim().split('\n');
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.filter((l) => !/ (created|configured|unchanged)$/.test(l))).toEqual([]);
      const again = await k.run(['apply', '-f', manifest]);
      // A PodDisruptionBudget is always "configured": its selector has patchStrategy "replace", so
      // kubectl's computed patch is never empty, on a real cluster too.
      expect(
        again.stdout
          .trim()
          .split('\n')
          .filter((l) => !l.endsWith(' unchanged')),
      ).toEqual(['poddisruptionbudget.policy/controller configured']);
    } finally {
      k.cleanup();
    }
  });
});
