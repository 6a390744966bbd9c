// Builders for tests of the allocator and of its callers (controller, config).
import type { AllocateResult, Allocator } from '../allocator.js';
import type { AllocationRequest, ExistingAllocation, Pool } from '../types.js';

/** A pool with the given addresses and options. */
export function pool(
  name: string,
  addresses: readonly string[],
  options: Omit<Pool, 'name' | 'addresses'> = {},
): Pool {
  return { name, addresses, ...options };
}

/** A request for Service `namespace/name` (namespace `ns` unless the key has one). */
export function request(key: string, options: Partial<AllocationRequest> = {}): AllocationRequest {
  const [namespace, name] = key.includes('/') ? key.split('/') : ['ns', key];
  return { serviceKey: `${namespace}/${name}`, namespace: namespace!, ...options };
}

/** An existing allocation of Service `namespace/name` on the given addresses. */
export function existing(
  key: string,
  ips: readonly string[],
  options: Partial<ExistingAllocation> = {},
): ExistingAllocation {
  const [namespace, name] = key.includes('/') ? key.split('/') : ['ns', key];
  return { serviceKey: `${namespace}/${name}`, namespace: namespace!, ips, ...options };
}

/** The addresses of a successful result as text, or `reason` for a failure. */
export function outcome(result: AllocateResult): string[] | string {
  return result.ok ? result.allocation.ips.map(String) : result.reason;
}

/** Every allocation as `key -> [pool, ...ips]` text, for whole-state comparisons. */
export function stateOf(allocator: Allocator): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const allocation of allocator.allocations()) {
    out[allocation.serviceKey] = [allocation.pool, ...allocation.ips.map(String)];
  }
  for (const pending of allocator.pending()) out[pending.serviceKey] = [`pending:${pending.reason}`];
  return out;
}
