/**
 * Structural equality for decoded values: plain objects, arrays, `Uint8Array`, `bigint`,
 * `Map`, `Set`, and class instances compared by their own enumerable fields. Returns the path
 * of the first difference, or `undefined` when the values are equal.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== typeof b) return `${path}: ${describe(a)} !== ${describe(b)}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return `${path}: ${describe(a)} !== ${describe(b)}`;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return `${path}: one side is not bytes`;
    if (a.length !== b.length) return `${path}: ${a.length} bytes !== ${b.length} bytes`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${path}[${i}]: ${a[i]} !== ${b[i]}`;
    return undefined;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path}: one side is not an array`;
    if (a.length !== b.length) return `${path}: length ${a.length} !== ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map)) return `${path}: one side is not a Map`;
    if (a.size !== b.size) return `${path}: Map size ${a.size} !== ${b.size}`;
    for (const [k, v] of a) {
      if (!b.has(k)) return `${path}: key ${String(k)} missing`;
      const d = firstDifference(v, b.get(k), `${path}.get(${String(k)})`);
      if (d) return d;
    }
    return undefined;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set)) return `${path}: one side is not a Set`;
    if (a.size !== b.size) return `${path}: Set size ${a.size} !== ${b.size}`;
    for (const v of a) if (!b.has(v)) return `${path}: Set member ${String(v)} missing`;
    return undefined;
  }
  const pa = Object.getPrototypeOf(a) as unknown;
  const pb = Object.getPrototypeOf(b) as unknown;
  const plain = (p: unknown) => p === null || p === Object.prototype;
  if (pa !== pb && !(plain(pa) && plain(pb))) return `${path}: different prototypes`;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return `${path}: keys [${ka.join(',')}] !== [${kb.join(',')}]`;
  for (const k of ka) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d) return d;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  return String(v);
}
