// A StatusWriter that records what the code wanted to write and keeps the resulting status per
// object, skipping no-op writes as the real writer does.
import { objectKey } from '../resource.js';
import { isSatisfied } from '../status-diff.js';
import type { StatusTarget, StatusWriteOptions, StatusWriteResult, StatusWriter } from '../status-writer.js';

export interface RecordedStatusWrite {
  /** `plural/namespace/name` or `plural/name`. */
  key: string;
  status: Record<string, unknown>;
  annotations?: Record<string, string | null>;
  outcome: StatusWriteResult['outcome'];
}

export class FakeStatusWriter implements StatusWriter {
  readonly writes: RecordedStatusWrite[] = [];
  readonly #statuses = new Map<string, Record<string, unknown>>();
  readonly #annotations = new Map<string, Record<string, unknown>>();
  /** Returns the outcome for the next write instead of applying it (e.g. `failed`). */
  nextOutcome?: (key: string) => StatusWriteResult | undefined;
  guard?: () => boolean;

  static keyOf(target: Pick<StatusTarget, 'resource' | 'namespace' | 'name'>): string {
    return [target.resource.plural, target.namespace, target.name].filter(Boolean).join('/');
  }

  /** The status as it would be on the server after the writes so far. */
  statusOf(
    target: Pick<StatusTarget, 'resource' | 'namespace' | 'name'>,
  ): Record<string, unknown> | undefined {
    return this.#statuses.get(FakeStatusWriter.keyOf(target));
  }

  /** The annotations as they would be on the server after the writes so far. */
  annotationsOf(
    target: Pick<StatusTarget, 'resource' | 'namespace' | 'name'>,
  ): Record<string, unknown> | undefined {
    return this.#annotations.get(FakeStatusWriter.keyOf(target));
  }

  /** Only the writes that would have reached the API. */
  get applied(): RecordedStatusWrite[] {
    return this.writes.filter((w) => w.outcome === 'written');
  }

  async writeStatus(
    target: StatusTarget,
    status: Record<string, unknown>,
    options: StatusWriteOptions = {},
  ): Promise<StatusWriteResult> {
    const key = FakeStatusWriter.keyOf(target);
    const forced = this.nextOutcome?.(key);
    const annotations = options.annotations;
    let result: StatusWriteResult;
    if (forced) result = forced;
    else if (this.guard && !this.guard()) result = { outcome: 'notLeader' };
    else {
      const current =
        this.#statuses.get(key) ?? (target.current?.status as Record<string, unknown> | undefined);
      const currentAnnotations =
        this.#annotations.get(key) ??
        (target.current?.metadata?.annotations as Record<string, unknown> | undefined);
      if (
        isSatisfied(status, current) &&
        (annotations === undefined || isSatisfied(annotations, currentAnnotations))
      )
        result = { outcome: 'unchanged' };
      else {
        const merged = mergePatch(current ?? {}, status);
        this.#statuses.set(key, merged);
        const mergedAnnotations = mergePatch(currentAnnotations ?? {}, annotations ?? {});
        this.#annotations.set(key, mergedAnnotations);
        const name = target.current ? objectKey(target.current) : target.name;
        result = {
          outcome: 'written',
          object: {
            metadata: { name, annotations: mergedAnnotations as Record<string, string> },
            status: merged,
          },
        };
      }
    }
    this.writes.push({
      key,
      status: structuredClone(status),
      ...(annotations ? { annotations: structuredClone(annotations) } : {}),
      outcome: result.outcome,
    });
    return result;
  }
}

/** RFC 7386 JSON merge patch (own properties only, so `__proto__` is just a key). */
export function mergePatch(target: unknown, patch: unknown): Record<string, unknown> {
  const out = new Map<string, unknown>(
    typeof target === 'object' && target !== null && !Array.isArray(target) ? Object.entries(target) : [],
  );
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) out.delete(k);
    else if (typeof v === 'object' && !Array.isArray(v)) out.set(k, mergePatch(out.get(k), v));
    else out.set(k, structuredClone(v));
  }
  return Object.fromEntries(out);
}
