// Print columns of the workload kinds (apps/v1, policy/v1), after
// `kubernetes/pkg/printers/internalversion/printers.go`.
import { getPath } from '../json-value.js';
import type { JsonObject } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { KindColumns } from './column-helpers.js';
import { age, ageColumn, asList, asObj, col, formatLabels, name, nameColumn } from './column-helpers.js';

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const containers = (o: KObject): JsonObject[] =>
  asList(getPath(o, ['spec', 'template', 'spec', 'containers'])).map(asObj);

function selectorText(sel: unknown): string {
  const s = asObj(sel);
  const parts = Object.entries(asObj(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of asList(s.matchExpressions).map(asObj))
    parts.push(`${String(e.key)} ${String(e.operator).toLowerCase()} (${asList(e.values).join(',')})`);
  return parts.length ? parts.join(',') : '<none>';
}

const workloadWide = [
  col('Containers', 'string', 1),
  col('Images', 'string', 1),
  col('Selector', 'string', 1),
];
const workloadWideCells = (o: KObject): string[] => [
  containers(o)
    .map((c) => String(c.name))
    .join(','),
  containers(o)
    .map((c) => String(c.image))
    .join(','),
  selectorText(getPath(o, ['spec', 'selector'])),
];

export const workloadColumns: Record<string, KindColumns> = {
  'apps/deployments': {
    columns: [
      nameColumn,
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      ageColumn,
      ...workloadWide,
    ],
    cells: (o, now) => {
      const st = asObj(o.status);
      return [
        name(o),
        `${num(st.readyReplicas)}/${num(getPath(o, ['spec', 'replicas']))}`,
        num(st.updatedReplicas),
        num(st.availableReplicas),
        age(o, now),
        ...workloadWideCells(o),
      ];
    },
  },
  'apps/daemonsets': {
    columns: [
      nameColumn,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      ageColumn,
      ...workloadWide,
    ],
    cells: (o, now) => {
      const st = asObj(o.status);
      return [
        name(o),
        num(st.desiredNumberScheduled),
        num(st.currentNumberScheduled),
        num(st.numberReady),
        num(st.updatedNumberScheduled),
        num(st.numberAvailable),
        formatLabels(getPath(o, ['spec', 'template', 'spec', 'nodeSelector'])),
        age(o, now),
        ...workloadWideCells(o),
      ];
    },
  },
  'apps/statefulsets': {
    columns: [nameColumn, col('Ready'), ageColumn, ...workloadWide.slice(0, 2)],
    cells: (o, now) => [
      name(o),
      `${num(asObj(o.status).readyReplicas)}/${num(getPath(o, ['spec', 'replicas']))}`,
      age(o, now),
      ...workloadWideCells(o).slice(0, 2),
    ],
  },
  'apps/replicasets': {
    columns: [
      nameColumn,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      ageColumn,
      ...workloadWide,
    ],
    cells: (o, now) => {
      const st = asObj(o.status);
      return [
        name(o),
        num(getPath(o, ['spec', 'replicas'])),
        num(st.replicas),
        num(st.readyReplicas),
        age(o, now),
        ...workloadWideCells(o),
      ];
    },
  },
  'policy/poddisruptionbudgets': {
    columns: [
      nameColumn,
      col('Min Available'),
      col('Max Unavailable'),
      col('Allowed Disruptions', 'integer'),
      ageColumn,
    ],
    cells: (o, now) => {
      const spec = asObj(o.spec);
      return [
        name(o),
        spec.minAvailable === undefined ? 'N/A' : String(spec.minAvailable),
        spec.maxUnavailable === undefined ? 'N/A' : String(spec.maxUnavailable),
        num(asObj(o.status).disruptionsAllowed),
        age(o, now),
      ];
    },
  },
};
