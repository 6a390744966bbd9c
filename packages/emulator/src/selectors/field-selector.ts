// Field selectors (`?fieldSelector=`): `f=v`, `f==v`, `f!=v`, comma = AND. Every kind supports
// `metadata.name` and `metadata.namespace`; the rest are per kind (the kind's selectable
// fields). An unknown field is a 400, as on a real server.
import { badRequest } from '../errors.js';
import type { KObject } from '../kobject.js';

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** Extracts a selectable field's string value from an object. */
export type FieldGetter = (obj: KObject) => string | undefined;

export const commonFields: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(
  text: string | undefined | null,
  supported: Record<string, FieldGetter>,
): FieldSelector {
  if (!text) return [];
  const reqs: FieldRequirement[] = [];
  for (const raw of text.split(/(?<!\\),/)) {
    const term = raw.trim();
    if (term === '') continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (!(field in supported) && !(field in commonFields))
      throw badRequest(`field label not supported: ${field}`);
    reqs.push({ field, op: m[2] === '!=' ? 'neq' : 'eq', value: unescape(m[3]!) });
  }
  return reqs;
}

export function matchesFields(
  sel: FieldSelector,
  obj: KObject,
  supported: Record<string, FieldGetter>,
): boolean {
  for (const r of sel) {
    const get = supported[r.field] ?? commonFields[r.field];
    const v = get ? (get(obj) ?? '') : '';
    if (r.op === 'eq' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
