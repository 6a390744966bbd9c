// What the runtime needs from a kubeconfig: the current cluster's server, and the TLS material
// and credentials of a request. client-node's KubeConfig provides both (and everything else a
// kubeconfig may say); `SimpleClusterAccess` provides them for the common cases without
// loading client-node, whose generated API code costs a process ~60 MB of memory.
//
// Handled here as client-node does: server, certificate-authority(-data),
// insecure-skip-tls-verify, tls-server-name; token, token-file, client-certificate(-data),
// client-key(-data), username/password; the in-cluster service account (token re-read every
// 60 s). Everything else (exec plugins, auth providers, proxies, impersonation, several
// kubeconfig files) is left to client-node: see loadClusterAccess in kube-config.ts.
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import type * as https from 'node:https';

/** The parts of the current cluster the runtime reads (client-node's `Cluster` has them). */
export interface ClusterEndpoint {
  readonly server: string;
  readonly proxyUrl?: string;
}

/** A kubeconfig as the runtime uses it; client-node's KubeConfig is one. */
export interface ClusterAccess {
  getCurrentCluster(): ClusterEndpoint | null;
  /** Sets `ca`, `cert`, `key`, `rejectUnauthorized`, `servername`, `auth` and `headers` for a request. */
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** client-go and client-node re-read a projected token this often. */
const TOKEN_FILE_TTL_MS = 60_000;

interface Settings {
  server: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  caFile?: string;
  caData?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  token?: string;
  /** Re-read every 60 s (the in-cluster token). */
  tokenFile?: string;
  username?: string;
  password?: string;
}

/** A kubeconfig's current cluster and user, for the settings listed at the top of this file. */
export class SimpleClusterAccess implements ClusterAccess {
  readonly #s: Settings;
  #token?: { value: string; readAt: number };

  constructor(settings: Settings) {
    this.#s = settings;
  }

  getCurrentCluster(): ClusterEndpoint {
    return { server: this.#s.server };
  }

  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const s = this.#s;
    if (s.server.startsWith('http:') && !s.skipTLSVerify)
      // As client-node: plain HTTP only with insecure-skip-tls-verify.
      throw new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
    if (s.skipTLSVerify) opts.rejectUnauthorized = false;
    if (s.tlsServerName) opts.servername = s.tlsServerName;
    const ca = fileOrBase64(s.caFile, s.caData);
    if (ca) opts.ca = ca;
    const cert = fileOrBase64(s.certFile, s.certData);
    if (cert) opts.cert = cert;
    const key = fileOrBase64(s.keyFile, s.keyData);
    if (key) opts.key = key;
    if (s.username) opts.auth = `${s.username}:${String(s.password)}`; // as client-node
    const headers = (opts.headers ??= {}) as Record<string, string>;
    const token = s.tokenFile ? this.#fileToken(s.tokenFile) : s.token;
    if (token) headers.Authorization = `Bearer ${token}`;
  }

  #fileToken(file: string): string {
    const now = Date.now();
    if (!this.#token || now - this.#token.readAt > TOKEN_FILE_TTL_MS)
      this.#token = { value: readFileSync(file, 'utf8'), readAt: now };
    return this.#token.value;
  }
}

function fileOrBase64(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

type Entry = Record<string, unknown>;

function named(list: unknown, name: unknown, field: string): Entry | undefined {
  if (!Array.isArray(list) || typeof name !== 'string') return undefined;
  const found = (list as Entry[]).find((e) => e && typeof e === 'object' && e.name === name);
  const inner = found?.[field];
  return inner && typeof inner === 'object' ? (inner as Entry) : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Cluster fields handled here; any other (proxy-url, extensions...) sends the file to client-node. */
const clusterFields = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
]);
const userFields = new Set([
  'token',
  'token-file',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'username',
  'password',
]);

/**
 * The settings of a parsed kubeconfig file's current context, or undefined when it uses
 * something only client-node handles (or is incomplete: client-node then says what is wrong).
 * Relative file paths are relative to the kubeconfig's directory, as kubectl has them.
 */
export function simpleSettings(config: unknown, file: string): Settings | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const c = config as Entry;
  const context = named(c.contexts, c['current-context'], 'context');
  if (!context) return undefined;
  const cluster = named(c.clusters, context.cluster, 'cluster');
  const user = named(c.users, context.user, 'user');
  if (!cluster || !user || typeof cluster.server !== 'string' || cluster.server === '') return undefined;
  if (Object.keys(cluster).some((k) => !clusterFields.has(k))) return undefined;
  if (Object.keys(user).some((k) => !userFields.has(k))) return undefined;
  const path = (p: unknown) => {
    const v = str(p);
    return v === undefined || isAbsolute(v) ? v : join(dirname(file), v);
  };
  const tokenFile = path(user['token-file']);
  const settings: Settings = {
    server: cluster.server.replace(/\/$/, ''),
    skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const optional: Partial<Settings> = {
    tlsServerName: str(cluster['tls-server-name']),
    caFile: path(cluster['certificate-authority']),
    caData: str(cluster['certificate-authority-data']),
    certFile: path(user['client-certificate']),
    certData: str(user['client-certificate-data']),
    keyFile: path(user['client-key']),
    keyData: str(user['client-key-data']),
    // client-node reads token-file once, when the kubeconfig is loaded.
    token: str(user.token) ?? (tokenFile ? readFileSync(tokenFile, 'utf8') : undefined),
    username: str(user.username),
    password: typeof user.password === 'string' ? user.password : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(settings, { [k]: v });
  return settings;
}

/** The in-cluster settings (service account token and CA, KUBERNETES_SERVICE_HOST/PORT), as client-node. */
export function inClusterSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '';
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const serverHost = isIPv6(host) ? `[${host}]` : host;
  return {
    server: `${scheme}://${serverHost}:${port}`,
    skipTLSVerify: false,
    caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
    tokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
  };
}
