// RBAC authorization from the stored Role, ClusterRole, RoleBinding and ClusterRoleBinding
// objects (`plugin/pkg/auth/authorizer/rbac`): a request is allowed when some binding that
// names the user (or one of its groups, or its ServiceAccount) grants a rule that covers the
// verb, API group, resource[/subresource], name or non-resource URL. `system:masters` is
// always allowed. Aggregated ClusterRoles are not expanded.
import type { KObject } from '../kobject.js';
import type { Store } from '../store/store.js';
import { fromLabelSelectorObject, matchesLabels } from '../selectors/label-selector.js';
import type { UserInfo } from './authn.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  namespace: string;
  path: string;
}

export interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

function subjectMatches(s: Subject, user: UserInfo, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount')
    return user.username === `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`;
  return false;
}

const has = (list: string[] | undefined, v: string): boolean =>
  !!list && (list.includes('*') || list.includes(v));

function ruleAllows(r: Rule, a: Attributes): boolean {
  if (!has(r.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    return (r.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(r.apiGroups, a.apiGroup)) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = r.resources ?? [];
  if (!(
    resources.includes('*') ||
    resources.includes(res) ||
    (a.subresource && resources.includes(`*/${a.subresource}`))
  ))
    return false;
  return !r.resourceNames?.length || r.resourceNames.includes(a.name);
}

export class RbacAuthorizer {
  constructor(private readonly store: Store) {}

  private rules(kind: 'roles' | 'clusterroles', ns: string | undefined, name: string): Rule[] {
    const bucket = this.store.bucket(`rbac.authorization.k8s.io/${kind}`);
    const obj = this.store.get(bucket, ns, name);
    const own = ((obj?.rules as Rule[] | undefined) ?? []).filter(Boolean);
    const agg = obj?.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined;
    if (kind !== 'clusterroles' || !agg?.clusterRoleSelectors?.length) return own;
    // What the clusterrole-aggregation controller would have written into `rules`.
    const selectors = agg.clusterRoleSelectors.map(fromLabelSelectorObject);
    const out = [...own];
    for (const other of this.store.list(bucket)) {
      if (other === obj) continue;
      if (selectors.some((sel) => sel.length > 0 && matchesLabels(sel, other.metadata.labels)))
        out.push(...((other.rules as Rule[] | undefined) ?? []).filter(Boolean));
    }
    return out;
  }

  /** Every rule granted to a user in a namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): Rule[] {
    if (user.groups.includes('system:masters'))
      return [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ];
    const probe = { user } as Attributes;
    const out: Rule[] = [];
    for (const b of this.store.list(this.store.bucket('rbac.authorization.k8s.io/clusterrolebindings')))
      out.push(...this.bindingRules(b, probe));
    if (namespace)
      for (const b of this.store.list(this.store.bucket('rbac.authorization.k8s.io/rolebindings'), namespace))
        out.push(...this.bindingRules(b, probe));
    return out;
  }

  private bindingRules(b: KObject, a: Attributes): Rule[] {
    const subjects = (b.subjects as Subject[] | undefined) ?? [];
    if (!subjects.some((s) => subjectMatches(s, a.user, b.metadata.namespace))) return [];
    const ref = (b.roleRef ?? {}) as { kind?: string; name?: string };
    if (ref.kind === 'ClusterRole') return this.rules('clusterroles', undefined, ref.name ?? '');
    if (ref.kind === 'Role') return this.rules('roles', b.metadata.namespace, ref.name ?? '');
    return [];
  }

  authorize(a: Attributes): { allowed: boolean; reason: string } {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    const crbs = this.store.list(this.store.bucket('rbac.authorization.k8s.io/clusterrolebindings'));
    for (const b of crbs) {
      const ref = (b.roleRef ?? {}) as { name?: string };
      if (this.bindingRules(b, a).some((r) => ruleAllows(r, a)))
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${ref.name}"`,
        };
    }
    if (a.namespace) {
      const rbs = this.store.list(this.store.bucket('rbac.authorization.k8s.io/rolebindings'), a.namespace);
      for (const b of rbs)
        if (this.bindingRules(b, a).some((r) => ruleAllows(r, a)))
          return {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}"`,
          };
    }
    return { allowed: false, reason: '' };
  }
}

/** The text after `is forbidden: ` in a 403, as the real authorizer words it. */
export function forbiddenReason(a: Attributes): string {
  const who = `User "${a.user.username}"`;
  if (!a.resourceRequest) return `${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}" ${scope}`;
}

/** The bootstrap policy every cluster has: cluster-admin, discovery and basic-user. */
export function bootstrapPolicy(): KObject[] {
  const discoveryUrls = [
    '/api',
    '/api/*',
    '/apis',
    '/apis/*',
    '/healthz',
    '/livez',
    '/readyz',
    '/version',
    '/version/',
    '/openapi',
    '/openapi/*',
  ];
  const role = (name: string, rules: Rule[]): KObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules,
  });
  const binding = (name: string, ...groups: string[]): KObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  });
  return [
    role('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    role('system:discovery', [{ nonResourceURLs: discoveryUrls, verbs: ['get'] }]),
    role('system:public-info-viewer', [
      { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] },
    ]),
    role('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    binding('cluster-admin', 'system:masters'),
    binding('system:discovery', 'system:authenticated'),
    binding('system:public-info-viewer', 'system:authenticated', 'system:unauthenticated'),
    binding('system:basic-user', 'system:authenticated'),
  ];
}
