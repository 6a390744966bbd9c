// Deciding whether a status write would change anything.

/**
 * Whether `actual` already satisfies `desired`, in merge-patch terms: every field of `desired`
 * has the same value in `actual` (objects compared field by field, recursively, so fields the
 * server added, like `ipMode: VIP` defaulted on Service ingress, do not count as differences);
 * `null` in `desired` means "absent"; arrays must have the same length and satisfied elements.
 */
export function isSatisfied(desired: unknown, actual: unknown): boolean {
  if (desired === null || desired === undefined) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return false;
    return desired.every((d, i) => isSatisfied(d, actual[i]));
  }
  if (typeof desired === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) =>
      isSatisfied(v, Object.hasOwn(a, k) ? a[k] : undefined),
    );
  }
  return desired === actual;
}
