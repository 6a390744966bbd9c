// Builders of Service objects for the controller's unit tests.
import type { Service } from '../service-types.js';

export interface ServiceBuilderInput {
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: Partial<NonNullable<Service['spec']>>;
  ingress?: string[];
  created?: string;
  resourceVersion?: string;
  ourCondition?: boolean;
}

/** A LoadBalancer Service `name` (namespace `ns` unless given) with port TCP/80. */
export function service(name: string, input: ServiceBuilderInput = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: input.namespace ?? 'ns',
      uid: `uid-${name}`,
      resourceVersion: input.resourceVersion ?? '1',
      creationTimestamp: input.created ?? '2025-01-01T00:00:00Z',
      ...(input.labels ? { labels: input.labels } : {}),
      ...(input.annotations ? { annotations: input.annotations } : {}),
    },
    spec: {
      type: 'LoadBalancer',
      ports: [{ port: 80, protocol: 'TCP' }],
      selector: { app: name },
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ...input.spec,
    },
    status: {
      loadBalancer: input.ingress ? { ingress: input.ingress.map((ip) => ({ ip, ipMode: 'VIP' })) } : {},
      ...(input.ourCondition
        ? {
            conditions: [
              {
                type: 'ironlb.io/AddressAllocated',
                status: 'True',
                reason: 'allocated',
                message: '',
                lastTransitionTime: '2025-01-01T00:00:00Z',
              },
            ],
          }
        : {}),
    },
  };
}
