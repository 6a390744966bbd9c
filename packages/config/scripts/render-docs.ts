// Renders docs/configuration.md: the reference of every CRD field, from the same declarations
// as the CRDs and the TypeScript types.
import { stringify } from 'yaml';
import { API_VERSION, GROUP, VERSION } from '../src/crd/definitions.js';
import { isMapSchema, isObjectSchema } from '../src/crd/schema-dsl.js';
import type { KindDefinition, ObjectSchema, Schema } from '../src/crd/schema-dsl.js';

/** Object types documented once, in "Shared types", instead of under every field using them. */
const SHARED = new Set(['LabelSelector', 'Condition']);

interface Row {
  path: string;
  type: string;
  required: boolean;
  defaultValue: string;
  validation: string;
  description: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeName(s: Schema): string {
  switch (s.type) {
    case 'string':
      return s.format === 'date-time' ? 'string (date-time)' : 'string';
    case 'integer':
      return s.format === 'int64' ? 'integer (int64)' : 'integer';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `[]${typeName(s.items)}`;
    case 'object':
      if (isMapSchema(s)) return 'map[string]string';
      if (s.typeName && SHARED.has(s.typeName)) return `[${s.typeName}](#${s.typeName.toLowerCase()})`;
      return 'object';
  }
}

function validation(s: Schema): string {
  const out: string[] = [];
  switch (s.type) {
    case 'string':
      if (s.enum) out.push(`one of ${s.enum.map((v) => `\`${v}\``).join(', ')}`);
      if (s.patternDoc) out.push(s.patternDoc);
      if (s.minLength !== undefined && s.maxLength !== undefined)
        out.push(`${s.minLength}-${s.maxLength} characters`);
      else if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
      break;
    case 'integer':
      if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum}-${s.maximum}`);
      else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`);
      if (s.unit) out.push(s.unit);
      break;
    case 'array': {
      if (s.minItems !== undefined && s.maxItems !== undefined) out.push(`${s.minItems}-${s.maxItems} items`);
      else if (s.minItems !== undefined)
        out.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
      else if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
      if (s.listType === 'set') out.push('no duplicates');
      if (s.listType === 'map')
        out.push(`unique by ${(s.listMapKeys ?? []).map((k) => `\`${k}\``).join(', ')}`);
      const inner = validation(s.items);
      if (inner) out.push(`each: ${inner}`);
      break;
    }
    case 'object':
      if (isMapSchema(s)) {
        const inner = validation(s.additionalProperties);
        if (inner) out.push(`values: ${inner}`);
      }
      break;
  }
  return out.join('; ');
}

function rows(s: ObjectSchema, prefix: string): Row[] {
  const required = new Set(s.required ?? []);
  const out: Row[] = [];
  for (const [field, child] of Object.entries(s.properties)) {
    const path = `${prefix}${field}`;
    const def =
      'default' in child && child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : '';
    out.push({
      path,
      type: typeName(child),
      required: required.has(field),
      defaultValue: def,
      validation: validation(child),
      description: child.description,
    });
    const inner = child.type === 'array' ? child.items : child;
    if (isObjectSchema(inner) && !isMapSchema(inner) && !(inner.typeName && SHARED.has(inner.typeName))) {
      out.push(...rows(inner, `${path}${child.type === 'array' ? '[]' : ''}.`));
    }
  }
  return out;
}

function table(s: ObjectSchema, prefix: string): string {
  const header =
    '| Field | Type | Required | Default | Validation | Description |\n|---|---|---|---|---|---|\n';
  return (
    header +
    rows(s, prefix)
      .map(
        (r) =>
          `| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${cell(r.defaultValue)} | ${cell(r.validation)} | ${cell(r.description)} |`,
      )
      .join('\n') +
    '\n'
  );
}

function kindSection(k: KindDefinition): string {
  const example = stringify({ apiVersion: API_VERSION, kind: k.kind, ...k.example });
  const columns = k.printerColumns
    .map((c) => `\`${c.name.toUpperCase()}\`${c.priority ? ' (with `-o wide`)' : ''}`)
    .join(', ');
  return [
    `## ${k.kind}\n`,
    `${k.description}\n`,
    `\`kubectl get ${k.plural}\` (short names: ${k.shortNames.map((n) => `\`${n}\``).join(', ')}; ` +
      `category \`ironlb\`) shows NAME, ${columns}.\n`,
    '```yaml\n' + example + '```\n',
    `### ${k.kind} spec\n`,
    `${k.spec.description}${k.spec.default !== undefined ? ' `spec` may be omitted: every field has a default.' : ''}\n`,
    table(k.spec, 'spec.'),
    `### ${k.kind} status\n`,
    `${k.status.description}\n`,
    table(k.status, 'status.'),
  ].join('\n');
}

function sharedSection(kinds: readonly KindDefinition[]): string {
  const found = new Map<string, ObjectSchema>();
  function visit(s: Schema): void {
    if (s.type === 'array') return visit(s.items);
    if (!isObjectSchema(s) || isMapSchema(s)) return;
    if (s.typeName && SHARED.has(s.typeName)) found.set(s.typeName, s);
    for (const child of Object.values(s.properties)) visit(child);
  }
  for (const k of kinds) {
    visit(k.spec);
    visit(k.status);
  }
  return [...found.entries()]
    .map(([name, s]) => `### ${name}\n\n${s.description}\n\n${table(s, '')}`)
    .join('\n');
}

export interface ReasonDoc {
  readonly reason: string;
  readonly severity: string;
  readonly description: string;
}

export function renderDocs(kinds: readonly KindDefinition[], reasons: readonly ReasonDoc[]): string {
  const toc = kinds.map((k) => `- [${k.kind}](#${k.kind.toLowerCase()})`).join('\n');
  const reasonTable =
    '| Reason | Severity | Meaning |\n|---|---|---|\n' +
    reasons.map((r) => `| \`${r.reason}\` | ${r.severity} | ${cell(r.description)} |`).join('\n') +
    '\n';
  return [
    '# Configuration reference\n',
    '<!-- GENERATED by packages/config/scripts/generate.ts from packages/config/src/crd/kinds/*.ts: do not edit. -->\n',
    `IronLB is configured with custom resources of group \`${GROUP}\`, version \`${VERSION}\`. All of them are ` +
      'cluster-scoped. Their schemas (in `crds/`) reject malformed values at `kubectl apply`; the controller then ' +
      'checks the configuration as a whole (overlapping pools, references to missing objects, timers that do not ' +
      'fit together...). A problem is reported on the offending object as a `Valid=False` condition with one of the ' +
      "[problem reasons](#problem-reasons), and as a Warning Event; the object's last valid version stays in effect " +
      'and the rest of the configuration keeps working. There is no admission webhook.\n',
    toc + '\n- [Shared types](#shared-types)\n- [Problem reasons](#problem-reasons)\n',
    ...kinds.map(kindSection),
    '## Shared types\n',
    sharedSection(kinds),
    '## Problem reasons\n',
    'Reasons of the `Valid=False` condition and of the Warning Events about configuration objects. An **error** ' +
      'makes the object invalid: its last valid version (if any) stays in effect. A **warning** is reported but ' +
      'the object is used.\n',
    reasonTable,
  ].join('\n');
}
