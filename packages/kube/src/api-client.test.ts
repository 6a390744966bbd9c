import { afterEach, describe, expect, it } from 'vitest';
import { HttpKubeApi } from './api-client.js';
import { KubeErrorCode, isNotFound } from './errors.js';
import { createRuntimeMetrics } from './metrics.js';
import { StubApiServer } from './testing/stub-api-server.js';

const servers: StubApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('HttpKubeApi', () => {
  it('gets JSON with the kubeconfig credentials and reuses the connection', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    servers.push(server);
    server.put({ metadata: { name: 'a', namespace: 'shop' } });
    const metrics = createRuntimeMetrics();
    const api = new HttpKubeApi(server.kubeConfig(), { metrics });
    const obj = await api.request<{ metadata: { name: string } }>({
      method: 'GET',
      path: '/api/v1/services/shop%2Fa',
    });
    expect(obj.metadata.name).toBe('a');
    await api.request({ method: 'GET', path: '/api/v1/services', query: { limit: 1, continue: undefined } });
    expect(server.requests.at(-1)).toBe('GET /api/v1/services?limit=1');
    const counts = (await metrics.apiRequests.get()).values;
    expect(counts).toEqual([expect.objectContaining({ labels: { method: 'GET', code: '200' }, value: 2 })]);
    api.close();
  });

  it('asks the kubeconfig for credentials once per credentialsTtlMs, not per request', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    servers.push(server);
    const kc = server.kubeConfig();
    let asked = 0;
    const apply = kc.applyToHTTPSOptions.bind(kc);
    kc.applyToHTTPSOptions = async (opts) => {
      asked++;
      return apply(opts);
    };
    const cached = new HttpKubeApi(kc);
    for (let i = 0; i < 5; i++) await cached.request({ method: 'GET', path: '/api/v1/services' });
    cached.close();
    expect(asked).toBe(2); // the connection's TLS options, and the credentials once
    asked = 0;
    const fresh = new HttpKubeApi(kc, { credentialsTtlMs: 0 });
    for (let i = 0; i < 5; i++) await fresh.request({ method: 'GET', path: '/api/v1/services' });
    fresh.close();
    expect(asked).toBe(6);
  });

  it('turns a Status body into a KubeApiError with its reason', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    servers.push(server);
    const api = new HttpKubeApi(server.kubeConfig());
    const err = await api.request({ method: 'GET', path: '/api/v1/services/nope' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: KubeErrorCode.api, statusCode: 404, reason: 'NotFound' });
    expect(isNotFound(err)).toBe(true);
    api.close();
  });

  it('reports a refused connection as a transport error', async () => {
    const server = await new StubApiServer('/api/v1/services', 'Service').start();
    const kc = server.kubeConfig();
    await server.close();
    const api = new HttpKubeApi(kc);
    const err = await api.request({ method: 'GET', path: '/api/v1/services' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: KubeErrorCode.transport });
  });
});
