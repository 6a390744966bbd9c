// Kubernetes label selectors: validation (with the API server's rules for keys and values)
// and matching.
import { patterns } from '../crd/patterns.js';
import type { LabelSelector } from '../crd/generated-types.js';

const KEY = new RegExp(patterns.labelKey);
const VALUE = new RegExp(patterns.labelValue);

/** Problems of one selector, as `{ field, message }` relative to `path`. */
export function selectorErrors(selector: LabelSelector, path: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const checkKey = (key: string, field: string) => {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    if (!KEY.test(key) || name.length > 63 || prefix.length > 253)
      out.push({ field, message: `"${key}" is not a valid label key` });
  };
  const checkValue = (value: string, field: string) => {
    if (value.length > 63 || !VALUE.test(value))
      out.push({ field, message: `"${value}" is not a valid label value` });
  };
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    checkKey(k, `${path}.matchLabels`);
    checkValue(v, `${path}.matchLabels[${JSON.stringify(k)}]`);
  }
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    checkKey(e.key, `${at}.key`);
    const values = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0)
      out.push({ field: `${at}.values`, message: `operator ${e.operator} needs at least one value` });
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0)
      out.push({ field: `${at}.values`, message: `operator ${e.operator} takes no values` });
    values.forEach((v, j) => checkValue(v, `${at}.values[${j}]`));
  });
  return out;
}

/** Whether `labels` satisfy `selector` (an empty selector matches everything). */
export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const value = has ? l[e.key] : undefined;
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** OR over a selector list; an empty or absent list matches everything. */
export function matchesAnySelector(
  selectors: readonly LabelSelector[] | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => matchesSelector(s, labels));
}

/** A canonical string of a selector, to compare selectors and find duplicates. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (selector.matchExpressions ?? [])
    .map((e) => JSON.stringify([e.key, e.operator, [...(e.values ?? [])].sort()]))
    .sort();
  return JSON.stringify([labels, exprs]);
}
