// Access reviews: `authorization.k8s.io/v1` SelfSubjectAccessReview and SubjectAccessReview
// (what `kubectl auth can-i` and RBAC tests ask), `authentication.k8s.io/v1`
// SelfSubjectReview (`kubectl auth whoami`). They are evaluated, never stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/authn.js';
import type { Attributes } from '../auth/rbac.js';
import { badRequest, methodNotAllowed } from '../errors.js';
import { isObject } from '../json-value.js';
import { decodeRequestBody } from './request-body.js';
import { readBodyBytes, sendJson } from './respond.js';
import type { ServerEnv } from './server-env.js';

export const reviewResources: Record<string, string[]> = {
  'authorization.k8s.io': [
    'selfsubjectaccessreviews',
    'subjectaccessreviews',
    'localsubjectaccessreviews',
    'selfsubjectrulesreviews',
  ],
  'authentication.k8s.io': ['selfsubjectreviews'],
};

function attributesOf(spec: Record<string, unknown>, user: UserInfo): Attributes {
  const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const na = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (ra)
    return {
      user,
      verb: String(ra.verb ?? ''),
      resourceRequest: true,
      apiGroup: String(ra.group ?? ''),
      resource: String(ra.resource ?? ''),
      subresource: String(ra.subresource ?? ''),
      name: String(ra.name ?? ''),
      namespace: String(ra.namespace ?? ''),
      path: '',
    };
  if (na)
    return {
      user,
      verb: String(na.verb ?? ''),
      resourceRequest: false,
      apiGroup: '',
      resource: '',
      subresource: '',
      name: '',
      namespace: '',
      path: String(na.path ?? ''),
    };
  throw badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified');
}

export async function handleReview(
  env: ServerEnv,
  req: IncomingMessage,
  res: ServerResponse,
  group: string,
  resource: string,
  user: UserInfo,
): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = decodeRequestBody(
    await readBodyBytes(req),
    String(req.headers['content-type'] ?? 'application/json'),
  );
  const obj = isObject(body) ? body : {};
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (resource === 'selfsubjectreviews') {
    sendJson(res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: `${group}/v1`,
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user.username, groups: user.groups } },
    });
    return;
  }
  if (resource === 'selfsubjectrulesreviews') {
    const rules = env.rbac.rulesFor(user, String(spec.namespace ?? ''));
    const rbacOff = !env.config.rbacEnabled;
    const all = rbacOff ? env.rbac.rulesFor({ username: '', groups: ['system:masters'] }, '') : rules;
    sendJson(res, 201, {
      kind: 'SelfSubjectRulesReview',
      apiVersion: `${group}/v1`,
      metadata: { creationTimestamp: null },
      spec,
      status: {
        resourceRules: all
          .filter((r) => !r.nonResourceURLs)
          .map((r) => ({
            verbs: r.verbs,
            apiGroups: r.apiGroups,
            resources: r.resources,
            resourceNames: r.resourceNames,
          })),
        nonResourceRules: all
          .filter((r) => r.nonResourceURLs)
          .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      },
    });
    return;
  }
  let subject = user;
  const isSar = resource === 'subjectaccessreviews' || resource === 'localsubjectaccessreviews';
  if (isSar) {
    subject = {
      username: String(spec.user ?? ''),
      groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
    };
  }
  const attrs = attributesOf(spec, subject);
  const decision =
    env.config.rbacEnabled || resource === 'subjectaccessreviews'
      ? env.rbac.authorize(attrs)
      : { allowed: true, reason: 'RBAC is off' };
  sendJson(res, 201, {
    kind:
      resource === 'subjectaccessreviews'
        ? 'SubjectAccessReview'
        : resource === 'localsubjectaccessreviews'
          ? 'LocalSubjectAccessReview'
          : 'SelfSubjectAccessReview',
    apiVersion: `${group}/v1`,
    metadata: { creationTimestamp: null },
    spec,
    status: decision.allowed ? { allowed: true, reason: decision.reason } : { allowed: false },
  });
}
