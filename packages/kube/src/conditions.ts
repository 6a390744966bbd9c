// metav1.Condition bookkeeping: keep lastTransitionTime when the status does not change, so
// that re-reconciling an unchanged object writes nothing.
import { kubeTime } from './clock.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * Returns `current` with `next` set: the condition of the same type is replaced, keeping its
 * lastTransitionTime when `status` did not change. Other conditions are kept in order.
 */
export function setCondition(
  current: readonly Condition[] | undefined,
  next: ConditionInput,
  now: number,
): Condition[] {
  const list = [...(current ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : kubeTime(now);
  const merged: Condition = { ...next, lastTransitionTime };
  if (merged.observedGeneration === undefined) delete merged.observedGeneration;
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

/** Removes the condition of `type`. */
export function removeCondition(current: readonly Condition[] | undefined, type: string): Condition[] {
  return (current ?? []).filter((c) => c.type !== type);
}

export function findCondition(
  current: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return current?.find((c) => c.type === type);
}
