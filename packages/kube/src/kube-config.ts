// Loading the kubeconfig the way kubectl does.
import { KubeConfig } from '@kubernetes/client-node';

/**
 * From `file` when given; otherwise client-node's default order: $KUBECONFIG, the in-cluster
 * service account, ~/.kube/config.
 */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}
