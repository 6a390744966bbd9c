// Writing the status subresource: skip no-op writes, merge-patch `/status` with the
// resourceVersion as precondition, and on 409 Conflict re-read and retry (or find that the
// status is already right). Refuses to write when the guard (usually the leader elector) says
// this replica must not.
import type { Logger } from 'pino';
import { PatchType } from './api-client.js';
import type { KubeApi } from './api-client.js';
import { isConflict, isNotFound, isTransient } from './errors.js';
import type { RuntimeMetrics } from './metrics.js';
import { resourcePath } from './resource.js';
import type { KubeObject, ResourceType } from './resource.js';
import { isSatisfied } from './status-diff.js';

export type ObjectWithStatus = KubeObject & { status?: unknown };

export interface StatusTarget {
  resource: ResourceType;
  namespace?: string;
  name: string;
  /**
   * The object as last seen (e.g. from an informer cache). Compared against to skip no-op
   * writes; its resourceVersion is the precondition of the write. Read from the API when absent.
   */
  current?: ObjectWithStatus;
}

export type StatusWriteResult =
  | { readonly outcome: 'written'; readonly object: ObjectWithStatus }
  /** The object already had this status: nothing was sent. */
  | { readonly outcome: 'unchanged' }
  | { readonly outcome: 'notFound' }
  /** The guard refused: this replica is not the leader. */
  | { readonly outcome: 'notLeader' }
  | {
      readonly outcome: 'failed';
      /** conflict: still conflicting after retries; transient: 5xx, 429, network; rejected: 4xx. */
      readonly reason: 'conflict' | 'transient' | 'rejected';
      readonly error: unknown;
    };

/** Metadata written together with the status, in the same request. */
export interface StatusWriteOptions {
  /**
   * Annotations to set (`null` removes one), merged like the status. Only for kinds whose
   * `/status` keeps metadata changes (core kinds such as Service); the API server drops them
   * for custom resources, so they would never be satisfied there.
   */
  annotations?: Record<string, string | null>;
}

/** The narrow interface controllers depend on; FakeStatusWriter records calls in tests. */
export interface StatusWriter {
  /**
   * Makes the object's status satisfy `status` (a merge patch: fields present are set, `null`
   * removes a field, arrays are replaced whole), and its annotations satisfy
   * `options.annotations`, in one request. Never throws.
   */
  writeStatus(
    target: StatusTarget,
    status: Record<string, unknown>,
    options?: StatusWriteOptions,
  ): Promise<StatusWriteResult>;
}

export interface ApiStatusWriterOptions {
  api: KubeApi;
  /** Checked before every write (e.g. `() => elector.isLeader()`). */
  guard?: () => boolean;
  /** Re-read and retry this many times on 409 Conflict (default 3). */
  conflictRetries?: number;
  /**
   * How many of its own writes the writer remembers for callers whose cache has not caught up
   * yet (default 20,000; the oldest are forgotten first). Each holds the status, annotations
   * and resourceVersion the server returned, so a controller that writes many objects and
   * whose cache catches up quickly can keep this small.
   */
  rememberWrites?: number;
  metrics?: RuntimeMetrics;
  logger?: Logger;
}

/**
 * What this writer last wrote to an object: the resourceVersion it wrote over and what the
 * server returned (resourceVersion, annotations, status). A caller whose cached copy is still the old version (its informer has
 * not seen our write yet) is compared against what we wrote, not against its stale copy:
 * no duplicate write, no avoidable 409.
 */
interface Written {
  readonly overRV: string;
  readonly object: ObjectWithStatus;
}

const MAX_REMEMBERED = 20_000;

export class ApiStatusWriter implements StatusWriter {
  readonly #o: ApiStatusWriterOptions;
  readonly #logger?: Logger;
  readonly #written = new Map<string, Written>();

  constructor(options: ApiStatusWriterOptions) {
    this.#o = options;
    this.#logger = options.logger?.child({ component: 'status-writer' });
  }

  async writeStatus(
    target: StatusTarget,
    status: Record<string, unknown>,
    options: StatusWriteOptions = {},
  ): Promise<StatusWriteResult> {
    const result = await this.#write(target, status, options.annotations);
    this.#o.metrics?.statusWrites.inc({ resource: target.resource.plural, outcome: result.outcome });
    if (result.outcome === 'failed')
      this.#logger?.warn(
        {
          event: 'statusWriteFailed',
          resource: target.resource.plural,
          namespace: target.namespace,
          name: target.name,
          reason: result.reason,
          err: result.error,
        },
        'status write failed',
      );
    return result;
  }

  async #write(
    target: StatusTarget,
    status: Record<string, unknown>,
    annotations: Record<string, string | null> | undefined,
  ): Promise<StatusWriteResult> {
    const { api, guard } = this.#o;
    const path = resourcePath(target.resource, { namespace: target.namespace, name: target.name });
    let current = target.current;
    const memo = this.#written.get(path);
    if (memo && current && current.metadata?.resourceVersion === memo.overRV) current = memo.object;
    else if (memo) this.#written.delete(path);
    const retries = this.#o.conflictRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      if (guard && !guard()) return { outcome: 'notLeader' };
      try {
        current ??= await api.request<ObjectWithStatus>({ method: 'GET', path });
      } catch (err) {
        return isNotFound(err) ? { outcome: 'notFound' } : failure(err);
      }
      if (
        isSatisfied(status, current.status) &&
        // An object without annotations has none to remove (API servers omit an empty map).
        (annotations === undefined || isSatisfied(annotations, current.metadata?.annotations ?? {}))
      )
        return { outcome: 'unchanged' };
      if (guard && !guard()) return { outcome: 'notLeader' };
      const resourceVersion = current.metadata?.resourceVersion;
      const metadata = {
        ...(resourceVersion ? { resourceVersion } : {}),
        ...(annotations ? { annotations } : {}),
      };
      try {
        const object = await api.request<ObjectWithStatus>({
          method: 'PATCH',
          path: `${path}/status`,
          contentType: PatchType.merge,
          body: Object.keys(metadata).length > 0 ? { metadata, status } : { status },
        });
        if (resourceVersion && object?.metadata?.resourceVersion)
          this.#remember(path, { overRV: resourceVersion, object: compared(object) });
        return { outcome: 'written', object };
      } catch (err) {
        if (isNotFound(err)) return { outcome: 'notFound' };
        if (!isConflict(err)) return failure(err);
        if (attempt >= retries) return { outcome: 'failed', reason: 'conflict', error: err };
        this.#logger?.debug({ event: 'statusConflict', path, attempt }, 'conflict; re-reading');
        current = undefined;
      }
    }
  }

  #remember(path: string, w: Written): void {
    this.#written.set(path, w);
    if (this.#written.size > (this.#o.rememberWrites ?? MAX_REMEMBERED))
      this.#written.delete(this.#written.keys().next().value as string);
  }
}

/** What later writes compare against and send as precondition: the rest is not kept. */
function compared(object: ObjectWithStatus): ObjectWithStatus {
  const { resourceVersion, annotations } = object.metadata ?? {};
  return { metadata: { resourceVersion, ...(annotations ? { annotations } : {}) }, status: object.status };
}

function failure(err: unknown): StatusWriteResult {
  return { outcome: 'failed', reason: isTransient(err) ? 'transient' : 'rejected', error: err };
}
