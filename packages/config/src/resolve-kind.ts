// Choosing which version of each object of one kind is in effect ("last valid config per
// object"), when objects can conflict with each other (overlapping pools, duplicate peers,
// conflicting local preferences).
//
// Order of precedence, so that a change never takes something away from what already works:
//   1. objects unchanged since the previous configuration and still valid,
//   2. the previous version of objects whose current version is invalid,
//   3. new or changed valid objects, oldest first (creationTimestamp, then name),
//   4. the previous version of objects from 3 that lost a conflict.
// An object is accepted when it does not conflict with one accepted before it.
import type { KindName } from './crd/definitions.js';
import { problem } from './problems.js';
import type { Problem, ProblemReason } from './problems.js';
import { canonicalJson } from './validate/common.js';
import type { ConfigObject, Findings } from './validate/common.js';

/** An object version in effect, with its parsed configuration. */
export interface Accepted<O, C> {
  readonly object: O;
  readonly config: C;
}

/**
 * What became of one object: `valid`: its current spec is in effect; `previousVersion`: its
 * current spec is invalid and its last valid version is in effect; `rejected`: nothing of it
 * is in effect.
 */
export type Verdict = 'valid' | 'previousVersion' | 'rejected';

export interface ObjectStatus {
  readonly kind: KindName;
  readonly name: string;
  readonly generation?: number;
  readonly verdict: Verdict;
  /** The `metadata.generation` of the version in effect, when it is the previous one. */
  readonly effectiveGeneration?: number;
  readonly problems: readonly Problem[];
}

export interface Conflict {
  readonly field: string;
  readonly reason: ProblemReason;
  readonly message: string;
}

export interface ResolveOptions<O extends ConfigObject, C> {
  readonly kind: KindName;
  readonly current: readonly O[];
  readonly previous: ReadonlyMap<string, Accepted<O, C>> | undefined;
  /** Checks one object (itself and its references to other kinds). */
  evaluate(object: O): { findings: Findings; config?: C };
  /** Why `candidate` cannot be accepted next to `accepted`, if it cannot. */
  conflict?(candidate: Accepted<O, C>, accepted: readonly Accepted<O, C>[]): Conflict | undefined;
}

export interface Resolved<O, C> {
  readonly accepted: Map<string, Accepted<O, C>>;
  readonly statuses: ObjectStatus[];
}

function age(o: ConfigObject): string {
  return `${o.metadata.creationTimestamp ?? ''}\u0000${o.metadata.name}`;
}

export function resolveKind<O extends ConfigObject, C>(opts: ResolveOptions<O, C>): Resolved<O, C> {
  const byName = new Map<string, O>();
  for (const o of opts.current) byName.set(o.metadata.name, o);
  const current = [...byName.values()].sort((a, b) => (age(a) < age(b) ? -1 : age(a) > age(b) ? 1 : 0));

  interface Entry {
    object: O;
    findings: Findings;
    config?: C;
    previous?: Accepted<O, C>;
    unchanged: boolean;
    outcome?: 'current' | 'previous';
  }
  const entries: Entry[] = current.map((object) => {
    const { findings, config } = opts.evaluate(object);
    const previous = opts.previous?.get(object.metadata.name);
    const unchanged =
      previous !== undefined && canonicalJson(previous.object.spec) === canonicalJson(object.spec);
    return { object, findings, config, previous, unchanged };
  });

  const accepted: Accepted<O, C>[] = [];
  const tryAccept = (candidate: Accepted<O, C>, report?: Findings): boolean => {
    const c = opts.conflict?.(candidate, accepted);
    if (c) {
      report?.problems.push(
        problem({ kind: opts.kind, name: candidate.object.metadata.name }, c.field, c.reason, c.message),
      );
      return false;
    }
    accepted.push(candidate);
    return true;
  };
  const tryPrevious = (e: Entry): void => {
    if (!e.previous) return;
    // The previous version must still hold against the rest of today's configuration.
    const again = opts.evaluate(e.previous.object);
    if (again.config !== undefined && tryAccept({ object: e.previous.object, config: again.config }))
      e.outcome = 'previous';
  };

  const valid = (e: Entry) => e.config !== undefined && !e.findings.hasErrors;
  const lost: Entry[] = [];
  const tryCurrent = (e: Entry): void => {
    if (tryAccept({ object: e.object, config: e.config! }, e.findings)) e.outcome = 'current';
    else lost.push(e);
  };
  for (const e of entries) if (valid(e) && e.unchanged) tryCurrent(e);
  for (const e of entries) if (!valid(e)) tryPrevious(e);
  for (const e of entries) if (valid(e) && !e.unchanged) tryCurrent(e);
  for (const e of lost) if (!e.unchanged) tryPrevious(e);

  const result = new Map<string, Accepted<O, C>>();
  for (const a of [...accepted].sort((x, y) => (x.object.metadata.name < y.object.metadata.name ? -1 : 1)))
    result.set(a.object.metadata.name, a);
  const statuses: ObjectStatus[] = entries.map((e) => ({
    kind: opts.kind,
    name: e.object.metadata.name,
    ...(e.object.metadata.generation !== undefined ? { generation: e.object.metadata.generation } : {}),
    verdict: e.outcome === 'current' ? 'valid' : e.outcome === 'previous' ? 'previousVersion' : 'rejected',
    ...(e.outcome === 'previous' && e.previous?.object.metadata.generation !== undefined
      ? { effectiveGeneration: e.previous.object.metadata.generation }
      : {}),
    problems: e.findings.problems,
  }));
  return { accepted: result, statuses };
}
