import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SimpleClusterAccess, inClusterSettings } from './cluster-access.js';
import { loadClusterAccess, loadKubeConfig } from './kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ironlb-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');
writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
writeFileSync(join(dir, 'token'), 'token-from-file');

function kubeconfig(name: string, cluster: object, user: object): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'other', cluster: { server: 'https://wrong:1' } },
        { name: 'c', cluster },
      ],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return file;
}

/** What a request gets from a kubeconfig. */
async function applied(kc: { applyToHTTPSOptions(o: https.RequestOptions): Promise<void> }) {
  const o: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  return {
    ca: o.ca?.toString(),
    cert: o.cert?.toString(),
    key: o.key?.toString(),
    rejectUnauthorized: o.rejectUnauthorized,
    servername: o.servername,
    auth: o.auth,
    authorization: (o.headers as Record<string, string> | undefined)?.Authorization,
  };
}

describe('loadClusterAccess', () => {
  const simple: [string, object, object][] = [
    [
      'token and CA data',
      { server: 'https://api:6443/', 'certificate-authority-data': b64('CA') },
      { token: 't0k' },
    ],
    [
      'token file and a relative CA file',
      { server: 'https://api:6443', 'certificate-authority': 'ca.crt' },
      { 'token-file': join(dir, 'token') },
    ],
    [
      'client certificate, server name',
      {
        server: 'https://10.0.0.1:6443',
        'certificate-authority-data': b64('CA'),
        'tls-server-name': 'kubernetes',
      },
      { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
    ],
    [
      'basic auth over insecure http',
      { server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true },
      { username: 'admin', password: 'pw' },
    ],
  ];

  it.each(simple)('reads %s without client-node, as client-node does', async (name, cluster, user) => {
    const file = kubeconfig(`${name.replace(/\W+/g, '-')}.yaml`, cluster, user);
    const access = loadClusterAccess(file);
    expect(access).toBeInstanceOf(SimpleClusterAccess);
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    expect(access.getCurrentCluster()?.server).toBe(kc.getCurrentCluster()?.server);
    expect(await applied(access)).toEqual(await applied(kc));
  });

  it('refuses plain HTTP without insecure-skip-tls-verify, as client-node does', async () => {
    const file = kubeconfig('http.yaml', { server: 'http://127.0.0.1:8080' }, { token: 't' });
    await expect(loadClusterAccess(file).applyToHTTPSOptions({})).rejects.toThrow(
      /HTTP protocol is not allowed/,
    );
    await expect(loadKubeConfig(file).applyToHTTPSOptions({})).rejects.toThrow(
      /HTTP protocol is not allowed/,
    );
  });

  it.each([
    [
      'an exec plugin',
      { server: 'https://api:6443' },
      { exec: { command: 'get-token', apiVersion: 'client.authentication.k8s.io/v1' } },
    ],
    ['a proxy', { server: 'https://api:6443', 'proxy-url': 'http://proxy:3128' }, { token: 't' }],
    ['impersonation', { server: 'https://api:6443' }, { token: 't', as: 'someone' }],
  ])('leaves %s to client-node', (name, cluster, user) => {
    const file = kubeconfig(`${name.replace(/\W+/g, '-')}.yaml`, cluster, user);
    const access = loadClusterAccess(file);
    expect(access).not.toBeInstanceOf(SimpleClusterAccess);
    expect(access.getCurrentCluster()?.server).toBe('https://api:6443');
  });

  it('in-cluster: the service account token and CA, the server from the environment', () => {
    expect(inClusterSettings({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' })).toEqual(
      {
        server: 'https://[fd00::1]:443',
        skipTLSVerify: false,
        caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
        tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      },
    );
  });
});
