// Filling the lab's API server: IronLB's CRDs, namespace and RBAC exactly as shipped (from
// config/manifests/ironlb.yaml), ServiceAccount tokens for the controller and the speakers,
// the Node objects, the sample configuration and Services. Every write is idempotent, so `up`
// after a crash (with the emulator's persisted objects) converges to the same state.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  isAlreadyExists,
  isNotFound,
  PatchType,
  resourcePath,
  type KubeApi,
  type ResourceType,
} from '@ironlb/kube';
import { LabError, LabErrorCode } from './lab-error.js';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  [key: string]: unknown;
}

/** The kinds the lab writes, and their REST paths. */
const types: Record<string, ResourceType> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  Node: { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  Service: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  ServiceAccount: {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
  },
  EndpointSlice: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
  CustomResourceDefinition: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
  },
  ClusterRole: rbac('clusterroles', 'ClusterRole', false),
  ClusterRoleBinding: rbac('clusterrolebindings', 'ClusterRoleBinding', false),
  Role: rbac('roles', 'Role', true),
  RoleBinding: rbac('rolebindings', 'RoleBinding', true),
  IPAddressPool: ironlb('ipaddresspools', 'IPAddressPool'),
  L2Advertisement: ironlb('l2advertisements', 'L2Advertisement'),
  BGPPeer: ironlb('bgppeers', 'BGPPeer'),
  BGPAdvertisement: ironlb('bgpadvertisements', 'BGPAdvertisement'),
  BFDProfile: ironlb('bfdprofiles', 'BFDProfile'),
};

function rbac(plural: string, kind: string, namespaced: boolean): ResourceType {
  return { group: 'rbac.authorization.k8s.io', version: 'v1', plural, kind, namespaced };
}

function ironlb(plural: string, kind: string): ResourceType {
  return { group: 'ironlb.io', version: 'v1beta1', plural, kind, namespaced: false };
}

/** What the lab takes from the install manifest: everything but the workloads it runs itself. */
export const manifestKinds = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
] as const;

function typeOf(obj: KubeObject): ResourceType {
  const type = types[obj.kind];
  if (!type) throw new Error(`the lab cannot write ${obj.kind} objects`);
  return type;
}

function pathOf(obj: KubeObject, name?: string): string {
  return resourcePath(typeOf(obj), { namespace: obj.metadata.namespace, name });
}

/** Creates `obj` unless it exists; returns whether it was created. */
export async function createIfMissing(api: KubeApi, obj: KubeObject): Promise<boolean> {
  try {
    await api.request({ method: 'POST', path: pathOf(obj), body: obj });
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}

/** Creates `obj`, or replaces the existing object's content with it (kubectl apply, roughly). */
export async function createOrReplace(api: KubeApi, obj: KubeObject): Promise<void> {
  if (await createIfMissing(api, obj)) return;
  const current = await api.request<KubeObject>({ method: 'GET', path: pathOf(obj, obj.metadata.name) });
  await api.request({
    method: 'PUT',
    path: pathOf(obj, obj.metadata.name),
    body: { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } },
  });
}

/** Reads the install manifest and keeps the kinds the lab applies. */
export function readManifest(file: string): KubeObject[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LabError(
      LabErrorCode.prerequisites,
      `cannot read the install manifest ${file} (run the lab from a clone of the IronLB repository)`,
      { cause: err },
    );
  }
  const kinds = new Set<string>(manifestKinds);
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((obj): obj is KubeObject => obj !== null && kinds.has(obj.kind));
}

/** Applies the namespace, CRDs and RBAC of the install manifest, in manifest order. */
export async function applyManifest(api: KubeApi, objects: readonly KubeObject[]): Promise<void> {
  for (const kind of manifestKinds)
    for (const obj of objects.filter((o) => o.kind === kind)) await createOrReplace(api, obj);
}

/** A token for a ServiceAccount (TokenRequest, as `kubectl create token` does). */
export async function serviceAccountToken(api: KubeApi, namespace: string, name: string): Promise<string> {
  const answer = await api.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [] } },
  });
  const token = answer.status?.token;
  if (!token) throw new Error(`no token for ServiceAccount ${namespace}/${name}`);
  return token;
}

/** Creates a Node if missing and writes its status (Ready, addresses). */
export async function registerNode(
  api: KubeApi,
  node: KubeObject,
  status: Record<string, unknown>,
): Promise<void> {
  await createIfMissing(api, node);
  await api.request({
    method: 'PATCH',
    path: `${pathOf(node, node.metadata.name)}/status`,
    contentType: PatchType.merge,
    body: { status },
  });
}

/** Whether an object exists. */
export async function exists(api: KubeApi, obj: KubeObject): Promise<boolean> {
  try {
    await api.request({ method: 'GET', path: pathOf(obj, obj.metadata.name) });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export type { KubeObject };
