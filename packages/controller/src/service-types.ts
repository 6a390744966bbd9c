// The parts of core/v1 Service and Namespace the controller reads and writes, as the API
// server sends them (JSON: timestamps are RFC 3339 strings).
import type { Condition } from '@ironlb/kube';

export interface ServicePortSpec {
  name?: string;
  protocol?: string;
  port: number;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
}

export interface Service {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    loadBalancerIP?: string;
    ipFamilies?: string[];
    ipFamilyPolicy?: string;
    ports?: ServicePortSpec[];
    externalTrafficPolicy?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
  };
  status?: {
    loadBalancer?: { ingress?: LoadBalancerIngress[] };
    conditions?: Condition[];
  };
}

export interface Namespace {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; labels?: Record<string, string>; uid?: string; resourceVersion?: string };
}
