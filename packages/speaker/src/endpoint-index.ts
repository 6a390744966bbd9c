// Where each Service's endpoints can serve, gathered from its EndpointSlices and kept current
// slice by slice: a slice change costs the size of that slice, not of the cluster.
import type { SliceView } from './kube-objects.js';
import type { ServiceEndpoints } from './model.js';

interface ServiceEntry {
  slices: Map<string, SliceView>;
  endpoints: ServiceEndpoints;
}

const none: ServiceEndpoints = { anyServing: false, servingNodes: new Set() };

export class EndpointIndex {
  readonly #byService = new Map<string, ServiceEntry>();
  /** slice key -> Service key it was filed under. */
  readonly #sliceService = new Map<string, string>();

  /** The Service's endpoints (none when it has no slices). */
  get(service: string): ServiceEndpoints {
    return this.#byService.get(service)?.endpoints ?? none;
  }

  /**
   * Files a slice (new or changed). Returns the Services whose endpoints changed (the slice's
   * old and new Service when its label moved), so that only their addresses are planned again.
   */
  upsert(slice: SliceView): string[] {
    const changed: string[] = [];
    const before = this.#sliceService.get(slice.key);
    if (before !== undefined && before !== slice.service) changed.push(...this.delete(slice.key));
    if (slice.service === undefined) return changed;
    let entry = this.#byService.get(slice.service);
    if (!entry) {
      entry = { slices: new Map(), endpoints: none };
      this.#byService.set(slice.service, entry);
    }
    entry.slices.set(slice.key, slice);
    this.#sliceService.set(slice.key, slice.service);
    if (this.#recompute(entry)) changed.push(slice.service);
    return changed;
  }

  /** Forgets a slice; returns the Services whose endpoints changed. */
  delete(sliceKey: string): string[] {
    const service = this.#sliceService.get(sliceKey);
    if (service === undefined) return [];
    this.#sliceService.delete(sliceKey);
    const entry = this.#byService.get(service)!;
    entry.slices.delete(sliceKey);
    if (entry.slices.size === 0) {
      this.#byService.delete(service);
      return entry.endpoints.anyServing ? [service] : [];
    }
    return this.#recompute(entry) ? [service] : [];
  }

  #recompute(entry: ServiceEntry): boolean {
    let anyServing = false;
    const nodes = new Set<string>();
    for (const s of entry.slices.values()) {
      anyServing ||= s.anyServing;
      for (const n of s.servingNodes) nodes.add(n);
    }
    const old = entry.endpoints;
    const same =
      old.anyServing === anyServing &&
      old.servingNodes.size === nodes.size &&
      [...nodes].every((n) => old.servingNodes.has(n));
    if (!same) entry.endpoints = { anyServing, servingNodes: nodes };
    return !same;
  }
}
