// Strategic merge patch for built-in kinds (apimachinery `pkg/util/strategicpatch`), the
// subset kubectl sends: lists with a patch merge key merge element by element; lists of
// primitives with the merge strategy (finalizers) are unions; every other list is replaced.
// Directives: `$patch: replace|delete|merge`, `$setElementOrder/<list>`, `$retainKeys`,
// `$deleteFromPrimitiveList/<list>`; `null` deletes a key.
import { clone, isObject } from '../json-value.js';
import type { JsonObject } from '../json-value.js';

/** Patch strategy of a field, mirroring the Go struct tags `patchStrategy`/`patchMergeKey`. */
export interface SmpSchema {
  fields?: Record<string, SmpSchema>;
  /** For a list: the schema of its elements. */
  items?: SmpSchema;
  /** For a list of objects: merge elements on this key. */
  mergeKey?: string;
  /** For a list of primitives: merge as a set (union). */
  primitiveMerge?: boolean;
  /** `patchStrategy:"replace"`: the patch value replaces the field whole (PDB `selector`). */
  replace?: boolean;
}

export class SmpError extends Error {}

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch; returns a new document. Throws SmpError on bad input. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: SmpSchema): unknown {
  if (!isObject(patch)) throw new SmpError('strategic merge patch must be a JSON object');
  const base = isObject(original) ? clone(original) : {};
  return mergeMap(base, patch, schema);
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  schema: SmpSchema | undefined,
): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'replace') return cleanMap(patch, schema);
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge')
    throw new SmpError(`Unknown patch type: ${String(directive)}`);

  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new SmpError('$retainKeys must be a list');
    for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
  }
  const orders: Record<string, unknown[]> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER)) {
      if (!Array.isArray(value)) throw new SmpError(`${key} must be a list`);
      orders[key.slice(SET_ORDER.length)] = value;
      continue;
    }
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(value)) throw new SmpError(`${key} must be a list`);
      const cur = original[field];
      if (Array.isArray(cur)) original[field] = cur.filter((v) => !value.includes(v));
      continue;
    }
    const fieldSchema = schema?.fields?.[key];
    if (value === null) {
      delete original[key];
      continue;
    }
    const cur = original[key];
    if (fieldSchema?.replace) {
      original[key] = isObject(value)
        ? cleanMap(value, fieldSchema)
        : Array.isArray(value)
          ? cleanList(value, fieldSchema)
          : value;
    } else if (isObject(value) && isObject(cur)) {
      const merged = mergeMap(cur, value, fieldSchema);
      if (merged === undefined) delete original[key];
      else original[key] = merged;
    } else if (Array.isArray(value) && Array.isArray(cur)) {
      original[key] = mergeList(cur, value, fieldSchema);
    } else if (isObject(value)) {
      const cleaned = value.$patch === 'delete' ? undefined : cleanMap(value, fieldSchema);
      if (cleaned === undefined) delete original[key];
      else original[key] = cleaned;
    } else if (Array.isArray(value)) {
      original[key] = cleanList(value, fieldSchema);
    } else {
      original[key] = value;
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    const list = original[field];
    if (Array.isArray(list)) original[field] = applyOrder(list, order, schema?.fields?.[field]);
  }
  return original;
}

function mergeList(original: unknown[], patch: unknown[], schema: SmpSchema | undefined): unknown[] {
  if (patch.some((e) => isObject(e) && e.$patch === 'replace' && Object.keys(e).length === 1)) {
    return cleanList(
      patch.filter((e) => !(isObject(e) && e.$patch === 'replace')),
      schema,
    );
  }
  const key = schema?.mergeKey;
  if (key) {
    const out = [...original];
    for (const p of patch) {
      if (!isObject(p)) throw new SmpError(`list with merge key ${key} holds a non-object`);
      if (!(key in p))
        throw new SmpError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
      const idx = out.findIndex((o) => isObject(o) && o[key] === p[key]);
      if (p.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
        continue;
      }
      if (idx >= 0) {
        const merged = mergeMap(out[idx] as JsonObject, p, schema?.items);
        if (merged === undefined) out.splice(idx, 1);
        else out[idx] = merged;
      } else out.push(cleanMap(p, schema?.items));
    }
    return out;
  }
  if (schema?.primitiveMerge) {
    const out = [...original];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  return cleanList(patch, schema);
}

/** Orders a merged list as `$setElementOrder` says; elements it does not name keep their place after. */
function applyOrder(list: unknown[], order: unknown[], schema: SmpSchema | undefined): unknown[] {
  const key = schema?.mergeKey;
  const idOf = (e: unknown): unknown => (key && isObject(e) ? e[key] : e);
  const wanted = order.map(idOf);
  const ordered: unknown[] = [];
  for (const id of wanted) {
    const found = list.find((e) => idOf(e) === id);
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  for (const e of list) if (!ordered.includes(e)) ordered.push(e);
  return ordered;
}

/** A patch value stored as is: drops directive keys and `$patch: delete` elements. */
function cleanMap(m: JsonObject, schema: SmpSchema | undefined): JsonObject {
  if (m.$patch !== undefined && !['replace', 'merge', 'delete'].includes(m.$patch as string))
    throw new SmpError(`Unknown patch type: ${String(m.$patch)}`);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    const fs = schema?.fields?.[k];
    if (isObject(v)) out[k] = cleanMap(v, fs);
    else if (Array.isArray(v)) out[k] = cleanList(v, fs);
    else out[k] = v;
  }
  return out;
}

function cleanList(l: unknown[], schema: SmpSchema | undefined): unknown[] {
  return l
    .filter((e) => !(isObject(e) && (e.$patch === 'delete' || e.$patch === 'replace')))
    .map((e) => (isObject(e) ? cleanMap(e, schema?.items) : clone(e)));
}
