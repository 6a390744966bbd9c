// Shared plumbing of the per-kind checks.
import { kindDefinition } from '../crd/definitions.js';
import type { KindName } from '../crd/definitions.js';
import type { LabelSelector } from '../crd/generated-types.js';
import { applyDefaults, validateSchema } from '../crd/validate-schema.js';
import type { ObjectMeta } from '../object-meta.js';
import { problem } from '../problems.js';
import type { Problem, ProblemReason } from '../problems.js';
import { selectorErrors, selectorKey } from './selectors.js';

/** Any of our configuration objects. */
export interface ConfigObject {
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
}

/** Collects the problems of one object. */
export class Findings {
  readonly problems: Problem[] = [];

  constructor(readonly target: { kind: KindName; name: string }) {}

  add(field: string, reason: ProblemReason, message: string): void {
    this.problems.push(problem(this.target, field, reason, message));
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }
}

/**
 * Checks the object against its kind's schema and returns the defaulted spec, or undefined
 * when the structure is so broken that the semantic checks cannot run.
 */
export function checkStructure<S>(kind: KindName, obj: ConfigObject, findings: Findings): S | undefined {
  const def = kindDefinition(kind)!;
  if (!obj.metadata?.name) findings.add('metadata.name', 'schemaViolation', 'metadata.name is required');
  const spec = applyDefaults(def.spec, obj.spec ?? (def.spec.default !== undefined ? {} : undefined));
  if (spec === undefined) {
    findings.add('spec', 'schemaViolation', 'spec is required');
    return undefined;
  }
  for (const e of validateSchema(def.spec, spec, 'spec'))
    findings.add(e.field, 'schemaViolation', `${e.field} ${e.message}`);
  return findings.hasErrors ? undefined : (spec as S);
}

/** Checks a list of selectors: malformed ones are errors, repeated ones warnings. */
export function checkSelectors(
  selectors: readonly LabelSelector[] | undefined,
  path: string,
  findings: Findings,
): void {
  const seen = new Set<string>();
  (selectors ?? []).forEach((s, i) => {
    const at = `${path}[${i}]`;
    for (const e of selectorErrors(s, at))
      findings.add(e.field, 'invalidSelector', `${e.field}: ${e.message}`);
    const key = selectorKey(s);
    if (seen.has(key)) findings.add(at, 'duplicateEntry', `${at} repeats an earlier selector`);
    seen.add(key);
  });
}

/** Deterministic JSON (sorted keys): equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
