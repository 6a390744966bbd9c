// JSON Patch (RFC 6902) over JSON Pointers (RFC 6901). The input document is not modified.
// Errors are values: the API layer turns `decode` problems into 400 and `apply` problems
// into 422, as kube-apiserver does (`pkg/endpoints/handlers/patch.go`).
import { clone, deepEqual, isObject } from '../json-value.js';

export type PatchResult =
  { ok: true; value: unknown } | { ok: false; kind: 'decode' | 'apply'; message: string };

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6901 section 3/4: split a pointer into reference tokens, `~1` -> `/`, then `~0` -> `~`. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function arrayIndex(token: string, length: number, forInsert: boolean): number | undefined {
  if (forInsert && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i <= (forInsert ? length : length - 1) ? i : undefined;
}

/** Walks to the parent of the pointer's last token. */
function parentOf(doc: unknown, tokens: string[]): Container | undefined {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length, false);
      if (i === undefined) return undefined;
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!(t in cur)) return undefined;
      cur = cur[t];
    } else return undefined;
  }
  return Array.isArray(cur) || isObject(cur) ? cur : undefined;
}

function getAt(doc: unknown, tokens: string[]): { found: boolean; value?: unknown } {
  if (tokens.length === 0) return { found: true, value: doc };
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    return i === undefined ? { found: false } : { found: true, value: parent[i] };
  }
  if (parent && last in parent) return { found: true, value: parent[last] };
  return { found: false };
}

class ApplyError extends Error {}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, true);
    if (i === undefined) throw new ApplyError(`add operation: index out of bounds: ${last}`);
    parent.splice(i, 0, value);
  } else if (parent) {
    parent[last] = value;
  } else
    throw new ApplyError(
      `add operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`,
    );
  return doc;
}

function remove(doc: unknown, tokens: string[], opName = 'remove'): unknown {
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    if (i === undefined) throw new ApplyError(`${opName} operation: index out of bounds: ${last}`);
    parent.splice(i, 1);
  } else if (parent && last in parent) {
    delete parent[last];
  } else
    throw new ApplyError(
      `${opName} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`,
    );
  return doc;
}

function decodeOps(patch: unknown): Op[] | string {
  if (!Array.isArray(patch)) return 'json: cannot unmarshal object into Go value of type jsonpatch.Patch';
  for (const op of patch) {
    if (!isObject(op) || typeof op.op !== 'string') return 'invalid JSON Patch: missing op';
    if (typeof op.path !== 'string') return `invalid JSON Patch: ${op.op} operation is missing path`;
  }
  return patch as Op[];
}

/** Applies an RFC 6902 patch; the result is a new document. */
export function applyJsonPatch(doc: unknown, patch: unknown): PatchResult {
  const ops = decodeOps(patch);
  if (typeof ops === 'string') return { ok: false, kind: 'decode', message: ops };
  let cur = clone(doc);
  try {
    for (const op of ops) {
      const tokens = parsePointer(op.path);
      if (!tokens) throw new ApplyError(`invalid JSON Pointer "${op.path}"`);
      switch (op.op) {
        case 'add':
          if (!('value' in op)) throw new ApplyError('add operation is missing value');
          cur = add(cur, tokens, clone(op.value));
          break;
        case 'remove':
          cur = remove(cur, tokens);
          break;
        case 'replace': {
          if (!('value' in op)) throw new ApplyError('replace operation is missing value');
          if (!getAt(cur, tokens).found)
            throw new ApplyError(
              `replace operation does not apply: doc is missing key: ${op.path}: missing value`,
            );
          if (tokens.length === 0) cur = clone(op.value);
          else {
            cur = remove(cur, tokens, 'replace');
            cur = add(cur, tokens, clone(op.value));
          }
          break;
        }
        case 'move': {
          const from = op.from === undefined ? undefined : parsePointer(op.from);
          if (!from) throw new ApplyError('move operation is missing from');
          if (op.path.startsWith(`${op.from}/`))
            throw new ApplyError('move operation: a location cannot be moved into one of its children');
          const got = getAt(cur, from);
          if (!got.found)
            throw new ApplyError(
              `move operation does not apply: doc is missing from path: ${op.from}: missing value`,
            );
          cur = remove(cur, from, 'move');
          cur = add(cur, tokens, got.value);
          break;
        }
        case 'copy': {
          const from = op.from === undefined ? undefined : parsePointer(op.from);
          if (!from) throw new ApplyError('copy operation is missing from');
          const got = getAt(cur, from);
          if (!got.found)
            throw new ApplyError(
              `copy operation does not apply: doc is missing from path: ${op.from}: missing value`,
            );
          cur = add(cur, tokens, clone(got.value));
          break;
        }
        case 'test': {
          const got = getAt(cur, tokens);
          if (!got.found || !deepEqual(got.value, op.value))
            throw new ApplyError(`testing value ${op.path} failed: test failed`);
          break;
        }
        default:
          return { ok: false, kind: 'decode', message: `Unexpected kind: ${op.op}` };
      }
    }
  } catch (e) {
    if (e instanceof ApplyError) return { ok: false, kind: 'apply', message: e.message };
    throw e;
  }
  return { ok: true, value: cur };
}
