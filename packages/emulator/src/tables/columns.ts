// Server-side print columns per built-in kind, after `kubernetes/pkg/printers/internalversion`
// (the server always generates the wide, priority-1 columns; kubectl hides them unless -o wide).
import { getPath } from '../json-value.js';
import type { KObject } from '../kobject.js';
import type { KindColumns } from './column-helpers.js';
import { age, ageColumn, asList, asObj, col, formatLabels, name, nameColumn } from './column-helpers.js';
import { ageOf } from './human-duration.js';
import { workloadColumns } from './workload-columns.js';

export type { ColumnDefinition, KindColumns } from './column-helpers.js';
export { ageColumn, nameColumn } from './column-helpers.js';

function serviceExternalIp(o: KObject): string {
  const spec = asObj(o.spec);
  const external = asList(spec.externalIPs).map(String);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return external.length ? external.join(',') : '<none>';
    case 'ExternalName':
      return String(spec.externalName ?? '');
    case 'LoadBalancer': {
      const lb = asList(asObj(asObj(o.status).loadBalancer).ingress).map((i) =>
        String(asObj(i).ip ?? asObj(i).hostname ?? ''),
      );
      const all = [...external, ...lb.filter((x) => x)];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return '<unknown>';
  }
}

function servicePorts(o: KObject): string {
  const ports = asList(asObj(o.spec).ports).map(asObj);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(',');
}

function nodeStatus(o: KObject): string {
  const ready = asList(asObj(o.status).conditions)
    .map(asObj)
    .find((c) => c.type === 'Ready');
  let s = ready
    ? ready.status === 'True'
      ? 'Ready'
      : ready.status === 'False'
        ? 'NotReady'
        : 'Unknown'
    : 'Unknown';
  if (asObj(o.spec).unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(o: KObject, type: string): string {
  const a = asList(asObj(o.status).addresses)
    .map(asObj)
    .find((x) => x.type === type);
  return a ? String(a.address) : '<none>';
}

function sliceEndpoints(o: KObject): string {
  const addrs = asList(o.endpoints).flatMap((e) => asList(asObj(e).addresses).map(String));
  if (addrs.length === 0) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

function slicePorts(o: KObject): string {
  const ports = asList(o.ports).map((p) => asObj(p).port);
  return ports.length ? ports.map((p) => (p === undefined ? '<unset>' : String(p))).join(',') : '<unset>';
}

function eventLastSeen(o: KObject, now: number): string {
  const t =
    o.lastTimestamp ??
    o.eventTime ??
    asObj(o.series).lastObservedTime ??
    o.firstTimestamp ??
    o.metadata.creationTimestamp;
  return ageOf(t, now);
}

function eventObject(o: KObject): string {
  const inv = asObj(o.involvedObject);
  return `${String(inv.kind ?? '').toLowerCase()}/${String(inv.name ?? '')}`;
}

export const builtinColumns: Record<string, KindColumns> = {
  ...workloadColumns,
  '/services': {
    columns: [
      nameColumn,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      ageColumn,
      col('Selector', 'string', 1),
    ],
    cells: (o, now) => [
      name(o),
      String(asObj(o.spec).type ?? 'ClusterIP'),
      String(asObj(o.spec).clusterIP || '<none>'),
      serviceExternalIp(o),
      servicePorts(o),
      age(o, now),
      formatLabels(asObj(o.spec).selector),
    ],
  },
  '/namespaces': {
    columns: [nameColumn, col('Status'), ageColumn],
    cells: (o, now) => [name(o), String(asObj(o.status).phase ?? ''), age(o, now)],
  },
  '/nodes': {
    columns: [
      nameColumn,
      col('Status'),
      col('Roles'),
      ageColumn,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells: (o, now) => {
      const info = asObj(asObj(o.status).nodeInfo);
      return [
        name(o),
        nodeStatus(o),
        nodeRoles(o),
        age(o, now),
        String(info.kubeletVersion ?? ''),
        nodeAddress(o, 'InternalIP'),
        nodeAddress(o, 'ExternalIP'),
        String(info.osImage ?? '<unknown>'),
        String(info.kernelVersion ?? '<unknown>'),
        String(info.containerRuntimeVersion ?? '<unknown>'),
      ];
    },
  },
  '/pods': {
    columns: [
      nameColumn,
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      ageColumn,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
    ],
    cells: (o, now) => {
      const containers = asList(asObj(o.spec).containers).length;
      const statuses = asList(asObj(o.status).containerStatuses).map(asObj);
      const ready = statuses.filter((s) => s.ready).length;
      const restarts = statuses.reduce((n, s) => n + Number(s.restartCount ?? 0), 0);
      return [
        name(o),
        `${ready}/${containers}`,
        String(asObj(o.status).phase ?? 'Pending'),
        String(restarts),
        age(o, now),
        String(asObj(o.status).podIP ?? '<none>'),
        String(asObj(o.spec).nodeName ?? '<none>'),
      ];
    },
  },
  '/endpoints': {
    columns: [nameColumn, col('Endpoints'), ageColumn],
    cells: (o, now) => {
      const eps = asList(o.subsets).flatMap((s) =>
        asList(asObj(s).addresses).flatMap((a) =>
          asList(asObj(s).ports).map((p) => `${String(asObj(a).ip)}:${String(asObj(p).port)}`),
        ),
      );
      return [name(o), eps.length ? eps.join(',') : '<none>', age(o, now)];
    },
  },
  '/configmaps': {
    columns: [nameColumn, col('Data', 'integer'), ageColumn],
    cells: (o, now) => [
      name(o),
      Object.keys(asObj(o.data)).length + Object.keys(asObj(o.binaryData)).length,
      age(o, now),
    ],
  },
  '/secrets': {
    columns: [nameColumn, col('Type'), col('Data', 'integer'), ageColumn],
    cells: (o, now) => [name(o), String(o.type ?? ''), Object.keys(asObj(o.data)).length, age(o, now)],
  },
  '/serviceaccounts': {
    columns: [nameColumn, col('Secrets', 'integer'), ageColumn],
    cells: (o, now) => [name(o), asList(o.secrets).length, age(o, now)],
  },
  '/events': {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Message'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1, 'name'),
    ],
    cells: (o, now) => [
      eventLastSeen(o, now),
      String(o.type ?? ''),
      String(o.reason ?? ''),
      eventObject(o),
      String(o.message ?? ''),
      String(asObj(o.involvedObject).fieldPath ?? ''),
      String(asObj(o.source).component ?? o.reportingComponent ?? ''),
      ageOf(o.firstTimestamp ?? o.eventTime, now),
      String(o.count ?? 1),
      name(o),
    ],
  },
  'discovery.k8s.io/endpointslices': {
    columns: [nameColumn, col('AddressType'), col('Ports'), col('Endpoints'), ageColumn],
    cells: (o, now) => [name(o), String(o.addressType ?? ''), slicePorts(o), sliceEndpoints(o), age(o, now)],
  },
  'coordination.k8s.io/leases': {
    columns: [nameColumn, col('Holder'), ageColumn],
    cells: (o, now) => [name(o), String(getPath(o, ['spec', 'holderIdentity']) ?? ''), age(o, now)],
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [nameColumn, col('Created At', 'date')],
    cells: (o) => [name(o), String(o.metadata.creationTimestamp ?? '')],
  },
  'rbac.authorization.k8s.io/roles': {
    columns: [nameColumn, col('Created At', 'string')],
    cells: (o) => [name(o), String(o.metadata.creationTimestamp ?? '')],
  },
  'rbac.authorization.k8s.io/clusterroles': {
    columns: [nameColumn, col('Created At', 'string')],
    cells: (o) => [name(o), String(o.metadata.creationTimestamp ?? '')],
  },
  'rbac.authorization.k8s.io/rolebindings': {
    columns: [nameColumn, col('Role'), ageColumn],
    cells: (o, now) => [
      name(o),
      `${String(asObj(o.roleRef).kind)}/${String(asObj(o.roleRef).name)}`,
      age(o, now),
    ],
  },
  'rbac.authorization.k8s.io/clusterrolebindings': {
    columns: [nameColumn, col('Role'), ageColumn],
    cells: (o, now) => [
      name(o),
      `${String(asObj(o.roleRef).kind)}/${String(asObj(o.roleRef).name)}`,
      age(o, now),
    ],
  },
};
