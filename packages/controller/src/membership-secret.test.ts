import { describe, expect, it } from 'vitest';
import { FakeKubeApi, apiError } from '@ironlb/kube/testing';
import { ensureMembershipSecret, MEMBERSHIP_KEY_BYTES } from './membership-secret.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('ensureMembershipSecret', () => {
  it('creates an Opaque Secret with 256 random bits under `key` when it is missing', async () => {
    const api = new FakeKubeApi((req) => {
      if (req.method === 'GET') throw apiError(404, 'NotFound', req);
      return {};
    });
    expect(await ensureMembershipSecret({ api, namespace: 'ironlb-system', randomBytes: bytes })).toBe(
      'created',
    );
    const post = api.requests[1];
    expect(post).toMatchObject({
      method: 'POST',
      path: '/api/v1/namespaces/ironlb-system/secrets',
      body: {
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: 'ironlb-membership', namespace: 'ironlb-system' },
      },
    });
    const data = (post?.body as { data: { key: string } }).data.key;
    expect(Buffer.from(data, 'base64')).toEqual(Buffer.from(bytes(MEMBERSHIP_KEY_BYTES)));
  });

  it('leaves an existing Secret alone', async () => {
    const api = new FakeKubeApi(() => ({ metadata: { name: 'ironlb-membership' } }));
    expect(await ensureMembershipSecret({ api, namespace: 'ns', randomBytes: bytes })).toBe('exists');
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('loses a creation race gracefully (another replica created it)', async () => {
    const api = new FakeKubeApi((req) => {
      throw req.method === 'GET' ? apiError(404, 'NotFound', req) : apiError(409, 'AlreadyExists', req);
    });
    expect(await ensureMembershipSecret({ api, namespace: 'ns', name: 'k', randomBytes: bytes })).toBe(
      'exists',
    );
  });

  it('reports other failures (RBAC, API down) to the caller, which retries', async () => {
    const api = new FakeKubeApi((req) => {
      throw apiError(403, 'Forbidden', req);
    });
    await expect(ensureMembershipSecret({ api, namespace: 'ns', randomBytes: bytes })).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});
