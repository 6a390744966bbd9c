// The JSONPath subset CRD `additionalPrinterColumns` use (client-go `util/jsonpath`):
// `.a.b`, `.a[0]`, `.a[*].b`, `.a[?(@.type=="Ready")].status`, and `['key.with.dots']`.
import { isObject } from '../json-value.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; key: string[]; value: string };

export function parseJsonPath(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  const re =
    /\.([A-Za-z0-9_\-/$]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]|\[['"]([^'"]+)['"]\]/y;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) break;
    if (m[1] !== undefined) steps.push({ kind: 'field', name: m[1] });
    else if (m[2] !== undefined) steps.push({ kind: 'index', index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ kind: 'filter', key: m[3].split('.'), value: m[4]! });
    else if (m[5] !== undefined) steps.push({ kind: 'field', name: m[5] });
    else steps.push({ kind: 'all' });
  }
  return steps;
}

/** All values the path selects. */
export function evalJsonPath(obj: unknown, steps: Step[]): unknown[] {
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (s.kind === 'field') {
        if (isObject(v) && v[s.name] !== undefined) next.push(v[s.name]);
      } else if (s.kind === 'index') {
        if (Array.isArray(v) && v[s.index] !== undefined) next.push(v[s.index]);
      } else if (s.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (isObject(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const e of v) {
          let x: unknown = e;
          for (const k of s.key) x = isObject(x) ? x[k] : undefined;
          if (x !== undefined && String(x) === s.value) next.push(e);
        }
      }
    }
    cur = next;
  }
  return cur;
}
