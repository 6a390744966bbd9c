// startEmulator(): assembles store, registry, API, controllers, persistence and the HTTP(S)
// server, seeds what every cluster has, and returns a handle for tests and the CLI.
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { installControllers, syncAllCrds } from './api/controllers.js';
import { GarbageCollector } from './api/garbage-collector.js';
import { ObjectApi } from './api/object-api.js';
import type { Subject } from './auth/authn.js';
import { TokenAuthenticator } from './auth/authn.js';
import { RbacAuthorizer, bootstrapPolicy } from './auth/rbac.js';
import { OpenApi } from './discovery/openapi.js';
import { Faults } from './faults.js';
import type { FaultState, WriteFailure } from './faults.js';
import { applyFaultDocument } from './http/admin-handler.js';
import { createRequestHandler } from './http/api-server.js';
import type { EmulatorLogger, RequestRecord, ServerEnv } from './http/server-env.js';
import { builtinTypes, reviewTypes } from './kinds/builtins.js';
import { namespaceType } from './kinds/core-types.js';
import { crdType } from './kinds/crd.js';
import { Registry } from './kinds/registry.js';
import { ServiceAllocator } from './kinds/ip-port-allocator.js';
import { serviceType } from './kinds/service.js';
import { reserveServiceAllocations } from './kinds/service-allocation.js';
import type { KObject } from './kobject.js';
import { seededRandom } from './kobject.js';
import type { KubeConfigOptions } from './kubeconfig.js';
import { kubeconfigOptions, kubeconfigYaml } from './kubeconfig.js';
import { Persistence, loadState } from './store/persistence.js';
import { Store } from './store/store.js';
import { loadOrCreateTls } from './tls.js';

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Keep objects across restarts in this directory. */
  dataDir?: string;
  /** Enforce RBAC from the stored Roles and bindings (default false: every caller may do anything). */
  rbac?: boolean;
  /** Serve HTTPS with a generated CA (default false: HTTP with insecure-skip-tls-verify). */
  tls?: boolean;
  /** Fixed admin token (default: random, or the persisted one with a data directory). */
  adminToken?: string;
  /** Minor version reported by /version (default 32); picks the kubectl the dispatcher runs. */
  minorVersion?: number;
  /** Service cluster IP ranges; two of different families make a dual-stack cluster. */
  serviceCidrs?: string[];
  nodePortRange?: [number, number];
  /** Events per resource type kept for watch resumption (default 5000). */
  retainEvents?: number;
  /** Default watch timeout floor in seconds (real: 1800); streams end after [t, 2t]. */
  watchTimeoutSeconds?: number;
  /** Bookmark period for watches that allow them (default 60 000 ms). */
  bookmarkIntervalMs?: number;
  /** Seeds generated names and fault draws (default 1). */
  seed?: number;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
  logger?: EmulatorLogger;
  /** Write a kubeconfig here once listening. */
  kubeconfigPath?: string;
  /** How many requests the request log keeps (default 2000; 0 turns it off). */
  requestLogLimit?: number;
  /** Seed `default/kubernetes` as a real cluster has (default true). */
  kubernetesService?: boolean;
}

export interface KubeconfigFor {
  /** Token to put in it (default: the admin token). */
  token?: string;
  /** Or a subject to mint a token for. */
  as?: Subject;
  namespace?: string;
  name?: string;
}

export interface EmulatorFaults {
  dropWatches(): void;
  compact(): void;
  goneOnNextWatch(n?: number): void;
  setLatency(ms: number): void;
  failWrites(f: WriteFailure | null): void;
  resetNext(n?: number): void;
  /** Holds API requests until resume(); `exemptAdmin` lets admin-token requests through. */
  pause(opts?: { exemptAdmin?: boolean }): void;
  resume(): void;
  reset(): void;
  state(): FaultState;
  /** Applies a document in the `/__emu/faults` format. */
  apply(doc: Record<string, unknown>): void;
}

export interface Emulator {
  url: string;
  host: string;
  port: number;
  adminToken: string;
  /** The CA certificate (PEM) when serving HTTPS. */
  caPem: string | undefined;
  /** Where the kubeconfig was written, if `kubeconfigPath` was given. */
  kubeconfigPath: string | undefined;
  /** Kubeconfig YAML: `kc.loadFromString(emu.kubeconfig())`. */
  kubeconfig(opts?: KubeconfigFor): string;
  /** The same as `KubeConfig.loadFromOptions` input: `kc.loadFromOptions(emu.kubeconfigOptions())`. */
  kubeconfigOptions(opts?: KubeconfigFor): KubeConfigOptions;
  writeKubeconfig(path: string, opts?: KubeconfigFor): Promise<string>;
  /** A bearer token for a user or `system:serviceaccount:<ns>:<name>`. */
  tokenFor(subject: Subject): string;
  faults: EmulatorFaults;
  /** The recent request log (method, path, query, content type, status, user). */
  requests(): RequestRecord[];
  clearRequests(): void;
  /** Changes what /version reports (the kubectl dispatcher follows it). */
  setMinorVersion(minor: number): void;
  setRbac(enabled: boolean): void;
  /** The current global resourceVersion. */
  resourceVersion(): number;
  close(): Promise<void>;
}

const SEED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? 1);
  const loaded = options.dataDir ? loadState(options.dataDir) : undefined;
  const store = new Store({ retainEvents: options.retainEvents });
  const registry = new Registry();
  for (const rt of [...builtinTypes, ...reviewTypes]) registry.add(rt);
  for (const rt of builtinTypes) store.bucket(rt.bucketId);
  const alloc = new ServiceAllocator({
    serviceCidrs: options.serviceCidrs ?? ['10.96.0.0/12', 'fd00:10:96::/112'],
    nodePortRange: options.nodePortRange ?? [30000, 32767],
  });
  const authn = new TokenAuthenticator(
    options.adminToken ?? loaded?.state?.tokens.find(([, u]) => u.groups.includes('system:masters'))?.[0],
  );
  const api = new ObjectApi({ store, alloc, now, random, namespaceType });
  const controllers = installControllers({ api, store, registry, namespaceType, crdType });
  const gc = new GarbageCollector(store, registry, api);
  api.orphanDependents = (uid) => gc.orphan(uid);

  if (loaded?.state) {
    for (const [id, objs] of Object.entries(loaded.state.buckets)) {
      const b = store.bucket(id);
      for (const o of objs) store.restore(b, o);
    }
    authn.import(loaded.state.tokens);
    for (const svc of store.list(store.bucket(serviceType.bucketId))) reserveServiceAllocations(svc, alloc);
    syncAllCrds({ api, store, registry, namespaceType, crdType });
    store.advanceTo(Math.max(loaded.state.rv, loaded.reservedRv));
    gc.rebuild();
  } else {
    if (loaded) store.advanceTo(loaded.reservedRv);
    seed(api, options.kubernetesService !== false, alloc);
  }
  const persistence = options.dataDir
    ? new Persistence(options.dataDir, store, () => authn.export())
    : undefined;
  persistence?.attach();

  const host = options.host ?? '127.0.0.1';
  const tls = options.tls
    ? loadOrCreateTls(options.dataDir, [host, '127.0.0.1', 'localhost', '::1'])
    : undefined;
  let port = 0;
  const env: ServerEnv = {
    api,
    store,
    registry,
    openapi: new OpenApi(registry),
    faults: new Faults(store, options.seed ?? 1),
    authn,
    rbac: new RbacAuthorizer(store),
    logger: options.logger,
    now,
    random,
    config: {
      minorVersion: options.minorVersion ?? 32,
      rbacEnabled: options.rbac ?? false,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 1800,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      serverAddress: () => `${host}:${port}`,
    },
    requestLog: [],
    requestLogLimit: options.requestLogLimit ?? 2000,
  };
  const handler = createRequestHandler(env);
  const server: Server = tls
    ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${port}`;
  options.logger?.info({ event: 'emulatorListening', url }, 'emulator listening');

  const params = (o: KubeconfigFor = {}) => ({
    server: url,
    token: o.token ?? (o.as ? authn.tokenFor(o.as) : authn.adminToken),
    caPem: tls?.caPem,
    namespace: o.namespace,
    name: o.name,
  });
  const emu: Emulator = {
    url,
    host,
    port,
    adminToken: authn.adminToken,
    caPem: tls?.caPem,
    kubeconfigPath: options.kubeconfigPath,
    kubeconfig: (o) => kubeconfigYaml(params(o)),
    kubeconfigOptions: (o) => kubeconfigOptions(params(o)),
    async writeKubeconfig(path, o) {
      await writeFile(path, kubeconfigYaml(params(o)), { mode: 0o600 });
      return path;
    },
    tokenFor: (s) => authn.tokenFor(s),
    faults: {
      dropWatches: () => env.faults.dropWatches(),
      compact: () => env.faults.compact(),
      goneOnNextWatch: (n) => env.faults.goneOnNextWatch(n),
      setLatency: (ms) => env.faults.setLatency(ms),
      failWrites: (f) => env.faults.failWritesWith(f),
      resetNext: (n) => env.faults.resetNext(n),
      pause: (o) => env.faults.pause(o),
      resume: () => env.faults.resume(),
      reset: () => env.faults.reset(),
      state: () => env.faults.state(),
      apply: (doc) => applyFaultDocument(env, doc),
    },
    requests: () => [...env.requestLog],
    clearRequests: () => {
      env.requestLog.length = 0;
    },
    setMinorVersion: (m) => {
      env.config.minorVersion = m;
    },
    setRbac: (on) => {
      env.config.rbacEnabled = on;
    },
    resourceVersion: () => store.rv,
    async close() {
      controllers.stop();
      gc.stop();
      env.faults.resume();
      store.dropAllWatches();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persistence?.close();
    },
  };
  if (options.kubeconfigPath) await emu.writeKubeconfig(options.kubeconfigPath);
  return emu;
}

function seed(api: ObjectApi, kubernetesService: boolean, alloc: ServiceAllocator): void {
  const opts = { fieldValidation: 'Strict' as const, dryRun: false };
  for (const name of SEED_NAMESPACES) api.create(namespaceType, undefined, { metadata: { name } }, opts);
  for (const obj of bootstrapPolicy()) {
    const rt = builtinTypes.find((t) => t.kind === obj.kind && t.group === 'rbac.authorization.k8s.io')!;
    api.create(rt, undefined, obj, opts);
  }
  if (kubernetesService) {
    const svc: KObject = {
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: alloc.firstIp(alloc.families()[0]!),
        ipFamilyPolicy: 'SingleStack',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    };
    api.create(serviceType, 'default', svc, opts);
  }
}
