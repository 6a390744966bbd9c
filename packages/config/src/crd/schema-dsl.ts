// A small structural-schema language: the one source of truth for our CRDs.
//
// Every CRD field is declared once here, in TypeScript. From these declarations we derive:
// - the CRD manifests in `crds/*.yaml` (OpenAPI v3 structural schemas, see crd-manifest.ts),
// - the TypeScript types in generated-types.ts (scripts/generate.ts),
// - the configuration reference in docs/configuration.md (scripts/generate.ts),
// - the runtime structural validation and defaulting in validate-schema.ts, so the config
//   package never trusts that the API server validated an object.
//
// The subset is what Kubernetes accepts in a structural schema and what our emulator checks:
// type, properties, required, items, enum, pattern, format, minimum/maximum,
// minLength/maxLength, minItems/maxItems, additionalProperties, default and
// x-kubernetes-list-type / x-kubernetes-list-map-keys. No CEL (x-kubernetes-validations):
// cross-field rules live in the config package's validation, where they produce a Problem.

interface Common {
  /** One or more sentences; rendered into the CRD, the TypeScript doc comment and the docs. */
  readonly description: string;
}

export interface StringSchema extends Common {
  readonly type: 'string';
  readonly pattern?: string;
  /** The pattern in words, for the docs (a regex is not documentation). */
  readonly patternDoc?: string;
  readonly format?: 'date-time';
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: string;
}

export interface IntegerSchema extends Common {
  readonly type: 'integer';
  readonly format?: 'int32' | 'int64';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
  /** For the docs: "milliseconds", "seconds". */
  readonly unit?: string;
}

export interface BooleanSchema extends Common {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface ArraySchema extends Common {
  readonly type: 'array';
  readonly items: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** `set`: items are unique scalars; `map`: items are objects unique by `listMapKeys`. */
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

export interface ObjectSchema extends Common {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  /** Name of the generated TypeScript interface; derived from the parent when absent. */
  readonly typeName?: string;
  /** Defaulting an absent object to `{}` lets the defaults of its fields apply. */
  readonly default?: Readonly<Record<string, never>>;
}

export interface MapSchema extends Common {
  readonly type: 'object';
  readonly additionalProperties: StringSchema;
  readonly maxProperties?: number;
}

export type Schema = StringSchema | IntegerSchema | BooleanSchema | ArraySchema | ObjectSchema | MapSchema;

export function isMapSchema(s: Schema): s is MapSchema {
  return s.type === 'object' && 'additionalProperties' in s;
}

export function isObjectSchema(s: Schema): s is ObjectSchema {
  return s.type === 'object' && 'properties' in s;
}

type Opts<T> = Omit<T, 'type' | 'description'>;

export function string(description: string, opts: Opts<StringSchema> = {}): StringSchema {
  return { type: 'string', description, ...opts };
}

export function integer(description: string, opts: Opts<IntegerSchema> = {}): IntegerSchema {
  return { type: 'integer', description, ...opts };
}

export function boolean(description: string, opts: Opts<BooleanSchema> = {}): BooleanSchema {
  return { type: 'boolean', description, ...opts };
}

export function array(
  items: Schema,
  description: string,
  opts: Omit<Opts<ArraySchema>, 'items'> = {},
): ArraySchema {
  return { type: 'array', description, items, ...opts };
}

export function object(
  properties: Record<string, Schema>,
  description: string,
  opts: Omit<Opts<ObjectSchema>, 'properties'> = {},
): ObjectSchema {
  for (const name of opts.required ?? []) {
    if (!(name in properties)) throw new Error(`required field ${name} is not a property`);
  }
  return { type: 'object', description, properties, ...opts };
}

export function map(
  values: StringSchema,
  description: string,
  opts: { maxProperties?: number } = {},
): MapSchema {
  return { type: 'object', description, additionalProperties: values, ...opts };
}

/** A printer column of `kubectl get` (CRD additionalPrinterColumns). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  readonly jsonPath: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority?: 0 | 1;
}

/** Everything we declare about one custom resource kind. */
export interface KindDefinition {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly description: string;
  readonly spec: ObjectSchema;
  readonly status: ObjectSchema;
  readonly printerColumns: readonly PrinterColumn[];
  /** An example object (without apiVersion/kind), shown in the docs and validated in tests. */
  readonly example: { readonly metadata: { readonly name: string }; readonly spec: unknown };
}
