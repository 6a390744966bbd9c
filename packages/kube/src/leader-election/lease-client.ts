// Reading and writing coordination.k8s.io/v1 Leases.
import type { KubeApi } from '../api-client.js';
import { isNotFound } from '../errors.js';
import { coreResources, resourcePath } from '../resource.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime: RFC 3339 with six fractional digits. */
  acquireTime?: string;
  /** MicroTime. */
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease {
  apiVersion?: 'coordination.k8s.io/v1';
  kind?: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** The three calls the elector makes. Create and replace throw KubeApiError 409 on a lost race. */
export interface LeaseClient {
  get(namespace: string, name: string): Promise<Lease | undefined>;
  create(lease: Lease): Promise<Lease>;
  /** A PUT with `metadata.resourceVersion` as precondition. */
  replace(lease: Lease): Promise<Lease>;
}

export class ApiLeaseClient implements LeaseClient {
  readonly #api: KubeApi;

  constructor(api: KubeApi) {
    this.#api = api;
  }

  async get(namespace: string, name: string): Promise<Lease | undefined> {
    try {
      return await this.#api.request<Lease>({
        method: 'GET',
        path: resourcePath(coreResources.leases, { namespace, name }),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  create(lease: Lease): Promise<Lease> {
    return this.#api.request<Lease>({
      method: 'POST',
      path: resourcePath(coreResources.leases, { namespace: lease.metadata.namespace }),
      body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease },
    });
  }

  replace(lease: Lease): Promise<Lease> {
    return this.#api.request<Lease>({
      method: 'PUT',
      path: resourcePath(coreResources.leases, {
        namespace: lease.metadata.namespace,
        name: lease.metadata.name,
      }),
      body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease },
    });
  }
}
