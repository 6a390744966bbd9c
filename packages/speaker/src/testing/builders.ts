// Builders of the speaker's inputs for tests (here and in other packages).
import { buildConfig, toSpeakerConfig, type ConfigObjects, type SpeakerConfig } from '@ironlb/config';
import type { SliceView } from '../kube-objects.js';
import type { NodeView, ServiceView } from '../model.js';

/** A Service view; `ips` as written (use canonical text). */
export function serviceView(
  key: string,
  ips: readonly string[],
  options: { labels?: Record<string, string>; local?: boolean } = {},
): ServiceView {
  const [namespace, name] = key.includes('/') ? key.split('/') : ['default', key];
  return {
    key: `${namespace}/${name}`,
    namespace: namespace!,
    name: name!,
    ips,
    labels: options.labels ?? {},
    externalTrafficPolicy: options.local ? 'Local' : 'Cluster',
  };
}

/** A Ready node. */
export function nodeView(
  name: string,
  options: Partial<Omit<NodeView, 'name'>> & { labels?: Record<string, string> } = {},
): NodeView {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, ...options.labels },
    ready: options.ready ?? true,
    networkUnavailable: options.networkUnavailable ?? false,
    excluded: options.excluded ?? false,
    addresses: options.addresses ?? {},
  };
}

/** One EndpointSlice of `service` (`namespace/name`) with serving endpoints on `nodes`. */
export function sliceView(
  service: string,
  nodes: readonly string[],
  options: { slice?: string } = {},
): SliceView {
  const key = service.includes('/') ? service : `default/${service}`;
  return {
    key: options.slice ?? `${key}-slice`,
    service: key,
    anyServing: nodes.length > 0,
    servingNodes: [...nodes].sort(),
  };
}

/** The speaker configuration of these custom resources (throws when any is invalid). */
export function speakerConfigOf(objects: ConfigObjects): SpeakerConfig {
  const result = buildConfig(undefined, objects);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `invalid configuration: ${errors.map((p) => `${p.kind}/${p.name} ${p.field}: ${p.message}`).join('; ')}`,
    );
  return toSpeakerConfig(result.config);
}
