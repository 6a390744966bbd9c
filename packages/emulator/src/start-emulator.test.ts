import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './start-emulator.js';
import { startEmulator } from './start-emulator.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(emu.url + path, {
    method,
    headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('startEmulator', () => {
  it('serves /version with the configured minor', async () => {
    const r = await call('GET', '/version');
    expect(r.body.minor).toBe('32');
  });

  it('rejects an unknown token with 401 and a Status body', async () => {
    const res = await fetch(`${emu.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { reason: string }).reason).toBe('Unauthorized');
  });

  it('creates, conflicts and lists services with one global resourceVersion', async () => {
    const c = await call('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'a' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    });
    expect(c.status).toBe(201);
    expect(c.body.spec.clusterIP).toMatch(/^10\.96\./);
    expect(c.body.status).toEqual({ loadBalancer: {} });
    const dup = await call('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'a' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');
    const list = await call('GET', '/api/v1/services');
    expect(list.body.kind).toBe('ServiceList');
    expect(Number(list.body.metadata.resourceVersion)).toBe(emu.resourceVersion());
  });

  it('defaults ipMode to VIP on status writes and keeps the RV on a no-op', async () => {
    const path = '/api/v1/namespaces/default/services/a/status';
    const p = await call(
      'PATCH',
      path,
      { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(p.body.status.loadBalancer.ingress[0]).toEqual({ ip: '192.0.2.10', ipMode: 'VIP' });
    const again = await call(
      'PATCH',
      path,
      { status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(again.body.metadata.resourceVersion).toBe(p.body.metadata.resourceVersion);
  });
});
