// Random requests (paths built from real and bogus segments, any method, odd content types and
// query parameters, arbitrary bodies) never get a 500 and never stop the server.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

const segment = fc.constantFrom(
  'api',
  'apis',
  'v1',
  'namespaces',
  'default',
  'services',
  'kubernetes',
  'status',
  'token',
  'configmaps',
  'nodes',
  'discovery.k8s.io',
  'endpointslices',
  'coordination.k8s.io',
  'leases',
  'x',
  '%2F',
  '..',
  'openapi',
  'v3',
  'version',
  'healthz',
  'watch',
);
const query = fc.constantFrom(
  '',
  '?watch=true&timeoutSeconds=0',
  '?labelSelector=a%20in%20(',
  '?fieldSelector=spec.type%3D%3D',
  '?resourceVersion=abc&watch=1&timeoutSeconds=0',
  '?fieldValidation=Bogus',
  '?dryRun=All',
  '?limit=-1',
  '?includeObject=Object',
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
const contentType = fc.constantFrom(
  'application/json',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constant(''),
);

describe('HTTP front under random requests', () => {
  it('answers every request with a status below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 7 }),
        query,
        method,
        contentType,
        body,
        async (segs, q, m, ct, b) => {
          const res = await fetch(`${emu.url}/${segs.join('/')}${q}`, {
            method: m,
            headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': ct },
            body: m === 'GET' ? undefined : b,
            signal: AbortSignal.timeout(5000),
          });
          await res.arrayBuffer();
          expect(res.status, `${m} /${segs.join('/')}${q} (${ct}) ${b.slice(0, 80)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect((await fetch(`${emu.url}/version`)).status).toBe(200);
  });
});
