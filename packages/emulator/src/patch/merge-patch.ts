// JSON Merge Patch (RFC 7386 section 2, the MergePatch pseudocode): objects merge key by key,
// `null` deletes, anything else (arrays included) replaces. The target is not modified.
import { clone, isObject } from '../json-value.js';

/** Returns a new document; nothing in it is shared with `target` or `patch`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(clone(target), patch);
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}
