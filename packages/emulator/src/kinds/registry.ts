// The table of served resources, built-in and CRD-defined, looked up by URL parts or by
// group-version for discovery. Changes bump `generation` so discovery and OpenAPI
// documents know when to re-render.
import type { ResourceType } from './resource-type.js';

export class Registry {
  private readonly byPath = new Map<string, ResourceType>();
  /** Bumped on every change; discovery caches key on it. */
  generation = 0;

  add(rt: ResourceType): void {
    this.byPath.set(`${rt.group}/${rt.version}/${rt.plural}`, rt);
    this.generation++;
  }

  remove(group: string, plural: string): void {
    for (const [k, rt] of this.byPath) if (rt.group === group && rt.plural === plural) this.byPath.delete(k);
    this.generation++;
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** Group-versions in discovery order: core first, then groups by name, versions as registered. */
  groupVersions(): { group: string; versions: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const rt of this.byPath.values()) {
      const vs = groups.get(rt.group) ?? [];
      if (!vs.includes(rt.version)) vs.push(rt.version);
      groups.set(rt.group, vs);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
      .map(([group, versions]) => ({ group, versions: sortVersions(versions) }));
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return [...this.byPath.values()]
      .filter((rt) => rt.group === group && rt.version === version)
      .sort((a, b) => a.plural.localeCompare(b.plural));
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (`v1` > `v1beta2`). */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const [sa, ma, na] = rank(a);
    const [sb, mb, nb] = rank(b);
    return sb - sa || mb - ma || nb - na || a.localeCompare(b);
  });
}
