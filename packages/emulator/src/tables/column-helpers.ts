// Building blocks of print columns: column definitions, the Name and Age columns, and small
// accessors for untyped objects.
import { isObject } from '../json-value.js';
import type { JsonObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import { ageOf } from './human-duration.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface KindColumns {
  columns: ColumnDefinition[];
  cells(obj: KObject, now: number): unknown[];
}

export function col(
  name: string,
  type = 'string',
  priority = 0,
  format = '',
  description = '',
): ColumnDefinition {
  return { name, type, format, description: description || `${name} of the object`, priority };
}

export const nameColumn = col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.');
export const ageColumn = col(
  'Age',
  'string',
  0,
  '',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asObj = (v: unknown): JsonObject => (isObject(v) ? v : {});
export const name = (o: KObject): string => o.metadata.name ?? '';
export const age = (o: KObject, now: number): string => ageOf(o.metadata.creationTimestamp, now);

export function formatLabels(m: unknown): string {
  const entries = Object.entries(asObj(m));
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}
