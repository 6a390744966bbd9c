// The shipped RBAC manifests (config/rbac/*.yaml) as objects, and where each one is created,
// for tests that run IronLB's components under RBAC enforcement.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Every document of `config/rbac/<file>` for each file named. */
export function readRbacObjects(...files: string[]): Record<string, unknown>[] {
  return files.flatMap((f) =>
    parseAllDocuments(readFileSync(new URL(`../../config/rbac/${f}`, import.meta.url), 'utf8')).map(
      (d) => d.toJS() as Record<string, unknown>,
    ),
  );
}

/** The collection path an RBAC manifest object is created at. */
export function rbacCollectionPath(obj: Record<string, unknown>): string {
  const ns = (obj.metadata as { namespace?: string }).namespace;
  switch (obj.kind) {
    case 'ServiceAccount':
      return `/api/v1/namespaces/${ns}/serviceaccounts`;
    case 'ClusterRole':
      return '/apis/rbac.authorization.k8s.io/v1/clusterroles';
    case 'ClusterRoleBinding':
      return '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
    case 'Role':
      return `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`;
    case 'RoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`;
    default:
      throw new Error(`unexpected kind ${String(obj.kind)} in config/rbac`);
  }
}
