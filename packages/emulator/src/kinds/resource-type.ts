// What the API layer knows about one served resource: names for URLs and discovery, scope,
// and the per-kind strategy (defaults, validation, update rules, status isolation,
// generation, selectable fields, patch strategy, known fields). Mirrors the apiserver's
// `rest.RESTCreateStrategy`/`RESTUpdateStrategy` split.
import type { FieldError } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { NameRule } from '../kobject.js';
import type { SmpSchema } from '../patch/strategic-merge.js';
import type { FieldGetter } from '../selectors/field-selector.js';
import type { KnownFields } from '../schema/known-fields.js';
import type { Store } from '../store/store.js';
import type { ServiceAllocator } from './ip-port-allocator.js';
import type { CrdRuntime } from './custom-resource.js';

export interface StrategyContext {
  /** Milliseconds since the epoch (the emulator's clock). */
  now: number;
  store: Store;
  alloc: ServiceAllocator;
  /** `Warning` headers to send back with the response. */
  warnings: string[];
}

export interface Strategy {
  allowCreateOnUpdate: boolean;
  allowUnconditionalUpdate: boolean;
  /** Which changes bump `metadata.generation` ('none': the kind has no generation). */
  generation: 'none' | 'nonMetadata' | 'nonMetadataStatus';
  /** DELETE answers with the deleted object instead of a Success Status (Services, Pods). */
  returnDeletedObject: boolean;
  nameRule: NameRule;
  /** On create, `status` is cleared (CRs with a status subresource). */
  dropStatusOnCreate: boolean;
  /** A `/status` write keeps the old object except `status` (CRs) or only copies spec back (core). */
  statusUpdate: 'onlyStatus' | 'copySpec';
  /** Rejects undecodable field values with 400 (MicroTime layout and friends). */
  decode?(obj: KObject, rt: ResourceType): void;
  /** Defaults and server-side fields on create (after metadata is set). */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  /** Defaults and carried-over fields on update (main endpoint and status). */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext, subresource: string): void;
  validate?(obj: KObject, old: KObject | undefined, ctx: StrategyContext): FieldError[];
  /** Releases what the object held (cluster IPs, node ports). */
  afterDelete?(obj: KObject, ctx: StrategyContext): void;
  fields: Record<string, FieldGetter>;
  smp?: SmpSchema;
  known?: KnownFields;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  statusSubresource: boolean;
  verbs: string[];
  strategy: Strategy;
  /** Set for custom resources served from a CRD. */
  crd?: CrdRuntime;
  /** `apiVersion` of its objects: `v1` or `group/version`. */
  apiVersion: string;
  /** Storage identity: `group/plural` (all versions of a CRD share it). */
  bucketId: string;
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function defineType(
  t: Omit<ResourceType, 'apiVersion' | 'bucketId' | 'listKind' | 'verbs' | 'categories' | 'shortNames'> &
    Partial<Pick<ResourceType, 'listKind' | 'verbs' | 'categories' | 'shortNames'>>,
): ResourceType {
  return {
    ...t,
    listKind: t.listKind ?? `${t.kind}List`,
    verbs: t.verbs ?? allVerbs,
    categories: t.categories ?? [],
    shortNames: t.shortNames ?? [],
    apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
    bucketId: `${t.group}/${t.plural}`,
  };
}

/** The strategy most built-in kinds use; kinds override what differs. */
export function baseStrategy(over: Partial<Strategy> = {}): Strategy {
  return {
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    generation: 'none',
    returnDeletedObject: false,
    nameRule: 'dns1123Subdomain',
    dropStatusOnCreate: false,
    statusUpdate: 'copySpec',
    fields: {},
    ...over,
  };
}
