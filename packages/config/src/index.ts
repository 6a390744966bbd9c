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
