import { describe, expect, it } from 'vitest';
import { parseRequestPath } from './request-info.js';

describe('parseRequestPath', () => {
  it.each([
    [
      '/api/v1/services',
      {
        group: '',
        version: 'v1',
        namespace: undefined,
        resource: 'services',
        name: undefined,
        subresource: '',
      },
    ],
    [
      '/api/v1/namespaces/default/services/web/status',
      { group: '', namespace: 'default', resource: 'services', name: 'web', subresource: 'status' },
    ],
    ['/api/v1/namespaces/default', { resource: 'namespaces', name: 'default', namespace: undefined }],
    ['/api/v1/namespaces/default/status', { resource: 'namespaces', name: 'default', subresource: 'status' }],
    ['/api/v1/namespaces', { resource: 'namespaces', name: undefined }],
    [
      '/apis/lb.example.io/v1alpha1/ippools/pool1',
      { group: 'lb.example.io', version: 'v1alpha1', resource: 'ippools', name: 'pool1' },
    ],
    [
      '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x',
      { group: 'coordination.k8s.io', namespace: 'kube-system', resource: 'leases', name: 'x' },
    ],
  ])('%s', (path, want) => {
    expect(parseRequestPath(path)).toMatchObject({ kind: 'resource', ...want });
  });

  it.each([
    '/api',
    '/apis',
    '/api/v1',
    '/apis/discovery.k8s.io',
    '/apis/discovery.k8s.io/v1',
    '/version',
    '/openapi/v3/api/v1',
  ])('%s is not a resource request', (path) => expect(parseRequestPath(path).kind).toBe('other'));
});
