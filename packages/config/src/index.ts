// Public surface of @ironlb/config: the TypeScript types of IronLB's custom resources, their
// schema declarations (the source of crds/*.yaml and docs/configuration.md), whole-configuration
// validation that returns problems, and conversion to the allocator's and speaker's types.
export * from './crd/generated-types.js';
export type { ObjectMeta, OwnerReference } from './object-meta.js';
export { API_VERSION, GROUP, VERSION, kindDefinition, kindDefinitions } from './crd/definitions.js';
export type { KindName } from './crd/definitions.js';
export { crdManifest, crdManifests } from './crd/crd-manifest.js';
export type {
  ArraySchema,
  BooleanSchema,
  IntegerSchema,
  KindDefinition,
  MapSchema,
  ObjectSchema,
  PrinterColumn,
  Schema,
  StringSchema,
} from './crd/schema-dsl.js';
export { patterns } from './crd/patterns.js';
export { applyDefaults, validateSchema } from './crd/validate-schema.js';
export type { SchemaError } from './crd/validate-schema.js';
export { problem, problemReasons } from './problems.js';
export type { Problem, ProblemReason, Severity } from './problems.js';
export { buildConfig, emptyConfig, toSpeakerConfig } from './build-config.js';
export type { BuildResult, ConfigObjects, EffectiveConfig } from './build-config.js';
export type { Accepted, ObjectStatus, Verdict } from './resolve-kind.js';
export type {
  BfdProfileConfig,
  BgpAdvertisementConfig,
  BgpPeerConfig,
  L2AdvertisementConfig,
  LargeCommunity,
  PasswordSource,
  PoolConfig,
  PreferredNode,
  SpeakerConfig,
} from './domain.js';
export { matchesAnySelector, matchesSelector, selectorErrors } from './validate/selectors.js';
export { parseDuration } from './validate/duration.js';
export { parseCommunity, parseLargeCommunity, wellKnownCommunities } from './validate/communities.js';
export { bgpTimerDefaults } from './validate/check-peer.js';
export { MAX_STATUS_COUNT, poolStatusCounts, toIpamPools } from './ipam-pools.js';
