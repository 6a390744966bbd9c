// `meta.k8s.io/v1` Table responses for `kubectl get` (§5.4 of the design brief): built-in
// columns, CRD `additionalPrinterColumns` (JSONPath, `date` columns humanized), Name+Age
// otherwise. Each row carries the object's metadata so `-A` and `--show-labels` work.
import type { KObject } from '../kobject.js';
import type { ResourceType } from '../kinds/resource-type.js';
import type { ColumnDefinition, KindColumns } from './columns.js';
import { ageColumn, builtinColumns, nameColumn } from './columns.js';
import { ageOf } from './human-duration.js';
import { evalJsonPath, parseJsonPath } from './json-path.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const fallback: KindColumns = {
  columns: [nameColumn, ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', ageOf(o.metadata.creationTimestamp, now)],
};

function crColumns(rt: ResourceType): KindColumns {
  const pcs = rt.crd?.printerColumns ?? [];
  if (pcs.length === 0) return fallback;
  const paths = pcs.map((c) => parseJsonPath(c.jsonPath));
  const columns: ColumnDefinition[] = [
    nameColumn,
    ...pcs.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns,
    cells: (o, now) => [
      o.metadata.name ?? '',
      ...pcs.map((c, i) => {
        const vals = evalJsonPath(o, paths[i]!);
        if (vals.length === 0) return null;
        const v = vals.length === 1 ? vals[0] : vals;
        if (c.type === 'date') return ageOf(v, now);
        if (c.type === 'integer' || c.type === 'number' || c.type === 'boolean') return v;
        if (typeof v === 'object') return JSON.stringify(v);
        return String(v);
      }),
    ],
  };
}

export function columnsFor(rt: ResourceType): KindColumns {
  if (rt.crd) return crColumns(rt);
  return builtinColumns[rt.bucketId] ?? fallback;
}

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function renderTable(
  rt: ResourceType,
  items: KObject[],
  opts: { now: number; resourceVersion?: string; include: IncludeObject; withColumns?: boolean },
): object {
  const kc = columnsFor(rt);
  const table: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: opts.withColumns === false ? null : kc.columns,
    rows: items.map((o) => {
      const row: Record<string, unknown> = { cells: kc.cells(o, opts.now) };
      const obj = rowObject(o, opts.include);
      if (obj !== undefined) row.object = obj;
      return row;
    }),
  };
  return table;
}
