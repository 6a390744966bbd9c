// Kubeconfig for the emulator, as YAML (kubectl, `KubeConfig.loadFromString`) or as the
// options object `KubeConfig.loadFromOptions` takes. Plain HTTP needs
// `insecure-skip-tls-verify: true` (client-node refuses http:// otherwise); with TLS the
// generated CA is embedded.
import { stringify } from 'yaml';

export interface KubeconfigParams {
  server: string;
  token: string;
  caPem?: string;
  namespace?: string;
  /** Names of the cluster, user and context entries (default `ironlb-emulator`). */
  name?: string;
}

export interface KubeConfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: boolean; caData?: string }[];
  users: { name: string; token: string }[];
  contexts: { name: string; cluster: string; user: string; namespace: string }[];
  currentContext: string;
}

export function kubeconfigYaml(p: KubeconfigParams): string {
  const name = p.name ?? 'ironlb-emulator';
  const cluster: Record<string, unknown> = { server: p.server };
  if (p.caPem) cluster['certificate-authority-data'] = Buffer.from(p.caPem).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: p.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: p.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export function kubeconfigOptions(p: KubeconfigParams): KubeConfigOptions {
  const name = p.name ?? 'ironlb-emulator';
  const cluster: KubeConfigOptions['clusters'][number] = { name, server: p.server, skipTLSVerify: !p.caPem };
  if (p.caPem) cluster.caData = Buffer.from(p.caPem).toString('base64');
  return {
    clusters: [cluster],
    users: [{ name, token: p.token }],
    contexts: [{ name, cluster: name, user: name, namespace: p.namespace ?? 'default' }],
    currentContext: name,
  };
}
