// Loading the kubeconfig the way kubectl does.
//
// `loadKubeConfig` gives client-node's KubeConfig (everything a kubeconfig may say).
// `loadClusterAccess` gives what the runtime needs (cluster-access.ts) without loading
// client-node when the kubeconfig is a common one (token, client certificate, basic auth,
// in-cluster service account), and client-node's KubeConfig otherwise. client-node is
// required only when used: importing this package does not load it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  SERVICE_ACCOUNT_DIR,
  SimpleClusterAccess,
  inClusterSettings,
  simpleSettings,
} from './cluster-access.js';
import type { ClusterAccess } from './cluster-access.js';

const require = createRequire(import.meta.url);

/**
 * From `file` when given; otherwise client-node's default order: $KUBECONFIG, ~/.kube/config,
 * the in-cluster service account.
 */
export function loadKubeConfig(file?: string): KubeConfig {
  const { KubeConfig: KubeConfigClass } = require('@kubernetes/client-node') as {
    KubeConfig: new () => KubeConfig;
  };
  const kc = new KubeConfigClass();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}

/** Which kubeconfig `loadKubeConfig(file)` would read: a file, in-cluster, or client-node's choice. */
function source(file?: string): { file: string } | { inCluster: true } | undefined {
  if (file) return { file };
  const env = process.env.KUBECONFIG;
  if (env) {
    const files = env.split(delimiter).filter((f) => f);
    return files.length === 1 ? { file: files[0]! } : undefined; // several files are merged
  }
  if (process.platform === 'win32') return undefined;
  const home = process.env.HOME;
  if (home && existsSync(home) && existsSync(join(home, '.kube', 'config')))
    return { file: join(home, '.kube', 'config') };
  if (existsSync(`${SERVICE_ACCOUNT_DIR}/token`)) return { inCluster: true };
  return undefined;
}

/**
 * The same choice of kubeconfig as `loadKubeConfig`, read without client-node when it only uses
 * what SimpleClusterAccess handles; client-node's KubeConfig otherwise.
 */
export function loadClusterAccess(file?: string): ClusterAccess {
  const from = source(file);
  if (from && 'inCluster' in from) return new SimpleClusterAccess(inClusterSettings());
  if (from) {
    const settings = simpleSettings(parse(readFileSync(from.file, 'utf8')) as unknown, from.file);
    if (settings) return new SimpleClusterAccess(settings);
  }
  return loadKubeConfig(file);
}
