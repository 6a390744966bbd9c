// The verbs of the Kubernetes API over the store, independent of HTTP: get, list, create,
// update (PUT), patch and delete, with the semantics of §6 of the design brief (optimistic
// concurrency, create-on-update, status isolation, finalizers, namespace lifecycle, CRD
// registration). Failures are thrown as StatusError.
import { alreadyExists, badRequest, conflict, forbidden, invalid, notFound } from '../errors.js';
import { clone, isObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { nameSuffix, objectKey, rfc3339Seconds } from '../kobject.js';
import type { ResourceType, StrategyContext } from '../kinds/resource-type.js';
import type { ServiceAllocator } from '../kinds/ip-port-allocator.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { matchesLabels } from '../selectors/label-selector.js';
import type { FieldSelector } from '../selectors/field-selector.js';
import { matchesFields } from '../selectors/field-selector.js';
import type { Bucket, Store } from '../store/store.js';
import type { WriteOptions } from './write-pipeline.js';
import {
  bumpGeneration,
  carryMeta,
  decodeBody,
  decodeFields,
  initMeta,
  isNoop,
  isolate,
  validateObject,
} from './write-pipeline.js';

export interface ApiDeps {
  store: Store;
  alloc: ServiceAllocator;
  now: () => number;
  random: () => number;
  namespaceType: ResourceType;
}

export interface WriteResult {
  object: KObject;
  code: number;
  warnings: string[];
}

export interface ListOptions {
  labels: LabelSelector;
  fields: FieldSelector;
}

/** Hooks for kinds whose writes have side effects elsewhere (CRDs, namespaces). */
export interface ApiHooks {
  afterCommit?(rt: ResourceType, obj: KObject, deleted: boolean): void;
  /** Runs before an object is removed for good (CRDs delete their custom resources first). */
  beforeRemove?(rt: ResourceType, obj: KObject): void;
}

export class ObjectApi {
  hooks: ApiHooks = {};
  /** Set by the garbage collector: strips an owner from its dependents (Orphan deletes). */
  orphanDependents?: (uid: string) => void;
  constructor(private readonly deps: ApiDeps) {}

  ctx(): StrategyContext {
    return { now: this.deps.now(), store: this.deps.store, alloc: this.deps.alloc, warnings: [] };
  }

  bucket(rt: ResourceType): Bucket {
    return this.deps.store.bucket(rt.bucketId);
  }

  get(rt: ResourceType, ns: string | undefined, name: string): KObject {
    const obj = this.deps.store.get(this.bucket(rt), rt.namespaced ? ns : undefined, name);
    if (!obj) throw notFound(rt, name);
    return obj;
  }

  list(rt: ResourceType, ns: string | undefined, opts: ListOptions): { items: KObject[]; rv: number } {
    const items = this.deps.store
      .list(this.bucket(rt), rt.namespaced ? ns : undefined)
      .filter(
        (o) =>
          matchesLabels(opts.labels, o.metadata.labels) && matchesFields(opts.fields, o, rt.strategy.fields),
      );
    return { items, rv: this.deps.store.rv };
  }

  private checkNamespace(rt: ResourceType, ns: string | undefined): void {
    if (!rt.namespaced) return;
    if (!ns) throw badRequest('the server could not find the requested resource (namespace required)');
    const nsObj = this.deps.store.get(this.bucket(this.deps.namespaceType), undefined, ns);
    if (!nsObj) throw notFound(this.deps.namespaceType, ns);
    if (nsObj.metadata.deletionTimestamp)
      throw forbidden(
        rt,
        '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
  }

  create(rt: ResourceType, ns: string | undefined, body: unknown, opts: WriteOptions): WriteResult {
    return asDecodeError(rt, () => this.createUnchecked(rt, ns, body, opts));
  }

  private createUnchecked(
    rt: ResourceType,
    ns: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): WriteResult {
    const ctx = this.ctx();
    const obj = decodeBody(body, rt);
    const m = obj.metadata;
    if (rt.namespaced) {
      if (m.namespace && ns && m.namespace !== ns)
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      m.namespace = ns;
    } else delete m.namespace;
    this.checkNamespace(rt, m.namespace);
    decodeFields(obj, rt, opts, ctx);
    initMeta(obj, rt, ctx.now);
    if (!m.name) {
      if (!m.generateName)
        throw invalid(rt.kind, rt.group, '', [
          { type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' },
        ]);
      m.name = m.generateName + nameSuffix(this.deps.random);
      for (let i = 0; i < 8 && this.deps.store.get(this.bucket(rt), m.namespace, m.name); i++)
        m.name = m.generateName + nameSuffix(this.deps.random);
    }
    if (rt.strategy.dropStatusOnCreate) delete obj.status;
    const b = this.bucket(rt);
    if (b.objects.has(objectKey(m.namespace, m.name))) throw alreadyExists(rt, m.name);
    rt.strategy.prepareForCreate?.(obj, ctx);
    validateObject(obj, undefined, rt, ctx);
    if (opts.dryRun) {
      rt.strategy.afterDelete?.(obj, ctx);
      return { object: obj, code: 201, warnings: ctx.warnings };
    }
    const stored = this.deps.store.create(b, orderKeys(obj));
    this.hooks.afterCommit?.(rt, stored, false);
    return { object: stored, code: 201, warnings: ctx.warnings };
  }

  /** PUT: optimistic concurrency, create-on-update, status isolation (§6.5). */
  update(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    body: unknown,
    sub: string,
    opts: WriteOptions,
  ): WriteResult {
    const obj = decodeBody(body, rt);
    const m = obj.metadata;
    if (m.name !== undefined && m.name !== name)
      throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
    if (rt.namespaced && m.namespace && ns && m.namespace !== ns)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    m.name = name;
    if (rt.namespaced) m.namespace = ns;
    const old = this.deps.store.get(this.bucket(rt), rt.namespaced ? ns : undefined, name);
    if (!old) {
      if (sub !== '' || !rt.strategy.allowCreateOnUpdate) throw notFound(rt, name);
      if (m.resourceVersion) throw conflict(rt, name);
      return this.create(rt, ns, obj, opts);
    }
    if (!m.resourceVersion) {
      if (!rt.strategy.allowUnconditionalUpdate)
        throw invalid(rt.kind, rt.group, name, [
          {
            type: 'Invalid',
            field: 'metadata.resourceVersion',
            value: '0x0',
            detail: 'must be specified for an update',
          },
        ]);
    } else if (m.resourceVersion !== old.metadata.resourceVersion) throw conflict(rt, name);
    return this.commitUpdate(rt, old, obj, sub, opts);
  }

  /** Shared tail of PUT and PATCH: the candidate replaces `old` unless nothing changed. */
  commitUpdate(
    rt: ResourceType,
    old: KObject,
    candidate: KObject,
    sub: string,
    opts: WriteOptions,
  ): WriteResult {
    return asDecodeError(rt, () => this.commitUpdateUnchecked(rt, old, candidate, sub, opts));
  }

  private commitUpdateUnchecked(
    rt: ResourceType,
    old: KObject,
    candidate: KObject,
    sub: string,
    opts: WriteOptions,
  ): WriteResult {
    const ctx = this.ctx();
    decodeFields(candidate, rt, opts, ctx);
    carryMeta(candidate, old, rt);
    let obj = isolate(candidate, old, rt, sub);
    rt.strategy.prepareForUpdate?.(obj, old, ctx, sub);
    validateObject(obj, old, rt, ctx);
    bumpGeneration(obj, old, rt);
    obj = orderKeys(obj);
    if (isNoop(obj, old)) return { object: old, code: 200, warnings: ctx.warnings };
    if (opts.dryRun) return { object: obj, code: 200, warnings: ctx.warnings };
    const b = this.bucket(rt);
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
      const stored = this.deps.store.update(b, obj, old);
      return { object: this.finalize(rt, b, stored, ctx), code: 200, warnings: ctx.warnings };
    }
    const stored = this.deps.store.update(b, obj, old);
    this.hooks.afterCommit?.(rt, stored, false);
    return { object: stored, code: 200, warnings: ctx.warnings };
  }

  /** Removes an object for good: release, DELETED event, side effects. */
  finalize(rt: ResourceType, b: Bucket, obj: KObject, ctx: StrategyContext): KObject {
    this.hooks.beforeRemove?.(rt, obj);
    const last = this.deps.store.remove(b, obj);
    rt.strategy.afterDelete?.(last, ctx);
    this.hooks.afterCommit?.(rt, last, true);
    return last;
  }

  /** DELETE (§6.9): preconditions, finalizers, and the response body shape. */
  delete(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    options: {
      preconditions?: { uid?: string; resourceVersion?: string };
      dryRun: boolean;
      propagationPolicy?: string;
    },
  ): { code: number; body: object; object: KObject } {
    const b = this.bucket(rt);
    const old = this.deps.store.get(b, rt.namespaced ? ns : undefined, name);
    if (!old) throw notFound(rt, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw conflict(
        rt,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        rt,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    const ctx = this.ctx();
    const hasFinalizers = (old.metadata.finalizers ?? []).length > 0;
    const isNamespace = rt === this.deps.namespaceType;
    if (isNamespace && PROTECTED_NAMESPACES.includes(name))
      throw forbidden(rt, name, 'this namespace may not be deleted');
    if (hasFinalizers || isNamespace) {
      if (old.metadata.deletionTimestamp || options.dryRun) return { code: 200, body: old, object: old };
      const marked: KObject = clone(old);
      marked.metadata.deletionTimestamp = rfc3339Seconds(ctx.now);
      marked.metadata.deletionGracePeriodSeconds = 0;
      if (marked.metadata.generation !== undefined) marked.metadata.generation++;
      if (isNamespace && isObject(marked.status)) marked.status = { ...marked.status, phase: 'Terminating' };
      const stored = this.deps.store.update(b, marked, old);
      this.hooks.afterCommit?.(rt, stored, false);
      return { code: 200, body: stored, object: stored };
    }
    if (options.dryRun) return { code: 200, body: old, object: old };
    if (options.propagationPolicy === 'Orphan' && old.metadata.uid) this.orphanDependents?.(old.metadata.uid);
    const last = this.finalize(rt, b, old, ctx);
    if (rt.strategy.returnDeletedObject) return { code: 200, body: last, object: last };
    const details: Record<string, string> = { name, kind: rt.plural, uid: last.metadata.uid ?? '' };
    if (rt.group) details.group = rt.group;
    return {
      code: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details },
      object: last,
    };
  }

  /** Deletes everything in a bucket (optionally one namespace) matching the selectors. */
  deleteCollection(rt: ResourceType, ns: string | undefined, opts: ListOptions, dryRun: boolean): KObject[] {
    const { items } = this.list(rt, ns, opts);
    for (const o of items) {
      try {
        this.delete(rt, o.metadata.namespace, o.metadata.name!, { dryRun });
      } catch {
        // already gone
      }
    }
    return items;
  }
}

/**
 * A field of the wrong JSON type reaches kind code that expects the right one (ports that are
 * not a list, say). The real server fails such a body while decoding it into its Go struct,
 * with a 400; so does the emulator, instead of letting the TypeError become a 500.
 */
function asDecodeError<T>(rt: ResourceType, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError)
      throw badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal: ${e.message}`,
      );
    throw e;
  }
}

const FIRST = ['apiVersion', 'kind', 'metadata'];
const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Key order of stored objects: apiVersion, kind, metadata, then the rest as given. */
export function orderKeys(obj: KObject): KObject {
  const keys = Object.keys(obj);
  if (keys[0] === 'apiVersion' && keys[1] === 'kind' && keys[2] === 'metadata') return obj;
  const out: Record<string, unknown> = {};
  for (const k of FIRST) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of keys) if (!FIRST.includes(k)) out[k] = obj[k];
  return out as KObject;
}
