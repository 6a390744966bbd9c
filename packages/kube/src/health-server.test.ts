import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecks, parseListenAddress, startHealthServer } from './health-server.js';
import type { HealthServer } from './health-server.js';
import { createRuntimeMetrics } from './metrics.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('health server', () => {
  it('serves /metrics, /healthz and /readyz, with verbose check lists', async () => {
    const metrics = createRuntimeMetrics();
    metrics.queueAdds.inc({ queue: 'services' }, 3);
    let synced = false;
    const checks = new HealthChecks()
      .addLiveness('ping', () => true)
      .addReadiness('informers', () => ({ ok: synced, message: 'services not synced' }));
    const s = await startHealthServer({ address: '127.0.0.1:0', registry: metrics.registry, checks });
    servers.push(s);
    const get = async (path: string) => {
      const r = await fetch(`http://${s.address}${path}`);
      return { status: r.status, body: await r.text(), type: r.headers.get('content-type') };
    };
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain');
    expect(m.body).toContain('ironlb_workqueue_adds_total{queue="services"} 3');
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get('/healthz?verbose')).toMatchObject({
      status: 200,
      body: '[+]ping ok\nhealthz check passed\n',
    });
    expect(await get('/readyz')).toMatchObject({
      status: 503,
      body: '[-]informers failed: services not synced\nreadyz check failed\n',
    });
    synced = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
  });

  it('reports a throwing check as failed', async () => {
    const checks = new HealthChecks().addReadiness('boom', () => {
      throw new Error('kaput');
    });
    expect(await checks.run('readyz')).toEqual({ ok: false, lines: ['[-]boom failed: kaput'] });
  });

  it.each([
    [':9120', { host: undefined, port: 9120 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['[::1]:7472', { host: '::1', port: 7472 }],
  ])('parses %s', (input, expected) => {
    expect(parseListenAddress(input)).toEqual(expected);
  });

  it('rejects a bad address', () => {
    expect(() => parseListenAddress('localhost:http')).toThrow(RangeError);
  });
});
