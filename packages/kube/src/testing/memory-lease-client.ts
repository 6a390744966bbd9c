// An in-memory Lease store with the API server's rules: resourceVersion preconditions (409),
// AlreadyExists on create (409). Several electors can share one store, and a test can make
// it fail or hang to model an API outage.
import { KubeApiError } from '../errors.js';
import type { Lease, LeaseClient } from '../leader-election/lease-client.js';

export class MemoryLeaseClient implements LeaseClient {
  #leases = new Map<string, Lease>();
  #rv = 0;
  /** When set, every call rejects with a 503 (an API outage). */
  failing = false;
  /** When set, every call waits on this promise first (a hung API server). */
  hang?: Promise<void>;
  readonly calls: { op: 'get' | 'create' | 'replace'; identity?: string }[] = [];

  #key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  async #gate(path: string): Promise<void> {
    if (this.hang) await this.hang;
    if (this.failing)
      throw new KubeApiError({
        statusCode: 503,
        reason: 'ServiceUnavailable',
        message: 'outage',
        method: 'X',
        path,
      });
  }

  /** The stored lease (a copy), for assertions. */
  peek(namespace: string, name: string): Lease | undefined {
    const l = this.#leases.get(this.#key(namespace, name));
    return l && structuredClone(l);
  }

  async get(namespace: string, name: string): Promise<Lease | undefined> {
    this.calls.push({ op: 'get' });
    await this.#gate(`${namespace}/${name}`);
    const l = this.#leases.get(this.#key(namespace, name));
    return l && structuredClone(l);
  }

  async create(lease: Lease): Promise<Lease> {
    this.calls.push({ op: 'create', identity: lease.spec?.holderIdentity });
    const key = this.#key(lease.metadata.namespace, lease.metadata.name);
    await this.#gate(key);
    if (this.#leases.has(key))
      throw new KubeApiError({
        statusCode: 409,
        reason: 'AlreadyExists',
        message: 'exists',
        method: 'POST',
        path: key,
      });
    const stored = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) },
    });
    this.#leases.set(key, stored);
    return structuredClone(stored);
  }

  async replace(lease: Lease): Promise<Lease> {
    this.calls.push({ op: 'replace', identity: lease.spec?.holderIdentity });
    const key = this.#key(lease.metadata.namespace, lease.metadata.name);
    await this.#gate(key);
    const current = this.#leases.get(key);
    if (!lease.metadata.resourceVersion)
      throw new KubeApiError({
        statusCode: 422,
        reason: 'Invalid',
        message: 'resourceVersion required',
        method: 'PUT',
        path: key,
      });
    if (current && current.metadata.resourceVersion !== lease.metadata.resourceVersion)
      throw new KubeApiError({
        statusCode: 409,
        reason: 'Conflict',
        message: 'modified',
        method: 'PUT',
        path: key,
      });
    const stored = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) },
    });
    this.#leases.set(key, stored);
    return structuredClone(stored);
  }
}
