import type { LabelSelector } from './types.js';

/**
 * Kubernetes label selector semantics: every `matchLabels` entry and every expression must
 * hold; an empty selector matches everything. `NotIn` and `DoesNotExist` hold for a missing key.
 */
export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(labels, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!present || !values.includes(labels[requirement.key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels[requirement.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false; // an operator we do not know never matches
    }
  }
  return true;
}

/** True when any selector of the list matches. */
export function matchesAny(
  selectors: readonly LabelSelector[],
  labels?: Readonly<Record<string, string>>,
): boolean {
  return selectors.some((selector) => matchesSelector(selector, labels));
}
