// Walks the schema declarations and gives every object schema a TypeScript type name:
// its `typeName`, or the parent's name followed by the field name in PascalCase.
import { isMapSchema, isObjectSchema } from '../src/crd/schema-dsl.js';
import type { KindDefinition, ObjectSchema, Schema } from '../src/crd/schema-dsl.js';

export interface NamedObject {
  readonly name: string;
  readonly schema: ObjectSchema;
}

export function pascal(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/** Every named object type, in order of first appearance; throws when one name means two schemas. */
export function collectTypes(kinds: readonly KindDefinition[]): {
  types: NamedObject[];
  nameOf: Map<ObjectSchema, string>;
} {
  const types: NamedObject[] = [];
  const nameOf = new Map<ObjectSchema, string>();
  const byName = new Map<string, ObjectSchema>();

  function visit(s: Schema, fallback: string): void {
    if (s.type === 'array') return visit(s.items, fallback);
    if (!isObjectSchema(s) || isMapSchema(s)) return;
    if (nameOf.has(s)) return;
    const name = s.typeName ?? fallback;
    const other = byName.get(name);
    if (other && other !== s) throw new Error(`type name ${name} is used for two different schemas`);
    byName.set(name, s);
    nameOf.set(s, name);
    types.push({ name, schema: s });
    for (const [field, child] of Object.entries(s.properties)) visit(child, name + pascal(field));
  }

  for (const k of kinds) {
    visit(k.spec, `${k.kind}Spec`);
    visit(k.status, `${k.kind}Status`);
  }
  return { types, nameOf };
}
