// Parses a request path into the parts the API cares about (`k8s.io/apiserver`
// `RequestInfoFactory`): `/api/v1[/namespaces/N]/R[/NAME[/SUB]]` and the same under
// `/apis/G/V`. Namespaces themselves are `/api/v1/namespaces/NAME[/SUB]`.

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string;
}

export interface OtherRequest {
  kind: 'other';
  path: string;
}

export type RequestInfo = ResourceRequest | OtherRequest;

export function parseRequestPath(pathname: string): RequestInfo {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return { kind: 'other', path: pathname };
  if (rest[0] === 'watch') return { kind: 'other', path: pathname };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // `/api/v1/namespaces/NAME` is the Namespace object itself.
    return {
      kind: 'resource',
      group,
      version,
      namespace: undefined,
      resource: 'namespaces',
      name: rest[1],
      subresource: '',
    };
  }
  if (rest.length > 3) return { kind: 'other', path: pathname };
  const [resource, name, subresource] = rest;
  // `/api/v1/namespaces/NAME/status` arrives here as namespace=NAME, resource=status.
  if (
    namespace !== undefined &&
    group === '' &&
    rest.length === 1 &&
    (resource === 'status' || resource === 'finalize') &&
    parts[2] === 'namespaces'
  )
    return {
      kind: 'resource',
      group,
      version,
      namespace: undefined,
      resource: 'namespaces',
      name: namespace,
      subresource: resource,
    };
  return {
    kind: 'resource',
    group,
    version,
    namespace,
    resource: resource!,
    name,
    subresource: subresource ?? '',
  };
}
