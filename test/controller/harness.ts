// The controller's integration harness: an emulator with IronLB's CRDs and the namespace
// `ironlb-system`, controllers running in this process over real HTTP (HttpKubeApi,
// client-node watches), optionally authenticating as the ServiceAccount bound only to
// config/rbac/controller.yaml with RBAC enforced, and small helpers for Services, pools,
// Events and bounded waits.
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { crdManifests } from '@ironlb/config';
import type { IPAddressPoolSpec } from '@ironlb/config';
import { Controller } from '@ironlb/controller';
import type { ControllerOptions, Service } from '@ironlb/controller';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator, EmulatorOptions } from '@ironlb/emulator';
import {
  ApiInformer,
  ApiLeaseClient,
  HttpKubeApi,
  KubeTransportError,
  LeaseLeaderElector,
  PatchType,
  createRuntimeMetrics,
} from '@ironlb/kube';
import { coreResources } from '@ironlb/kube';
import { rbacCollectionPath, readRbacObjects } from '../support/rbac.js';
import type { ApiRequest, KubeApi, KubeObject } from '@ironlb/kube';

const serviceResource = coreResources.services;

export const SYSTEM_NS = 'ironlb-system';
export const SA = `system:serviceaccount:${SYSTEM_NS}:ironlb-controller`;

export const logger = pino({ level: process.env.IRONLB_TEST_LOG ?? 'silent' });

export interface ClusterOptions extends EmulatorOptions {
  /** Enforce RBAC; controllers authenticate as the controller ServiceAccount. */
  asServiceAccount?: boolean;
  /** Controllers authenticate as the ServiceAccount even without RBAC (to tell them from the admin). */
  controllerAsServiceAccount?: boolean;
}

export interface Cluster {
  readonly emu: Emulator;
  /** Requests the API refused with 403 (recorded with RBAC on). */
  forbidden(): { method: string; path: string; user?: string }[];
  /** Admin client. */
  readonly api: HttpKubeApi;
  readonly asServiceAccount: boolean;
  /** A kubeconfig for the controller (admin, or the ServiceAccount). */
  controllerKubeConfig(): KubeConfig;
  close(): Promise<void>;
}

function kubeConfig(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

const crdBodies = crdManifests();
const rbacObjects = readRbacObjects('controller.yaml');

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const { asServiceAccount = false, controllerAsServiceAccount = asServiceAccount, ...emuOptions } = options;
  const emu = await startEmulator({
    requestLogLimit: asServiceAccount ? 100_000 : 0,
    ...(asServiceAccount ? { rbac: true, tls: true } : {}),
    ...emuOptions,
  });
  const api = new HttpKubeApi(kubeConfig(emu.kubeconfig()), { timeoutMs: 10_000 });
  for (const crd of crdBodies)
    await api.request({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: crd,
    });
  await api.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: SYSTEM_NS } } });
  if (asServiceAccount)
    for (const obj of rbacObjects)
      await api.request({ method: 'POST', path: rbacCollectionPath(obj), body: obj });
  return {
    emu,
    api,
    asServiceAccount,
    forbidden: () =>
      emu
        .requests()
        .filter((r) => r.status === 403)
        .map((r) => ({ method: r.method, path: r.path, user: r.user })),
    controllerKubeConfig: () =>
      kubeConfig(emu.kubeconfig(controllerAsServiceAccount ? { as: SA } : undefined)),
    async close() {
      api.close();
      await emu.close();
    },
  };
}

/** A KubeApi that can be cut off, as a killed process is: every request fails from then on. */
export class CuttableApi implements KubeApi {
  cut = false;
  constructor(readonly inner: HttpKubeApi) {}
  request<T = unknown>(req: ApiRequest): Promise<T> {
    if (this.cut) return Promise.reject(new KubeTransportError(`${req.method} ${req.path}: cut off`));
    return this.inner.request<T>(req);
  }
}

export interface ControllerHandle {
  readonly controller: Controller;
  readonly api: CuttableApi;
  readonly identity: string;
  /** Graceful stop: releases the lease. */
  stop(): Promise<void>;
  /** As if the process died: nothing more reaches the API, the lease is not released. */
  kill(): Promise<void>;
}

export interface StartControllerOptions extends Partial<
  Omit<ControllerOptions, 'api' | 'kubeConfig' | 'logger'>
> {
  /** Campaign for a Lease with short timings (lease 2 s, renew deadline 1.5 s, retry 250 ms). */
  leaderElect?: boolean;
  identity?: string;
  /** Wait until this replica leads and has processed every Service (default: unless leaderElect). */
  waitReady?: boolean;
}

export const leaseTimings = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 250 };
const handles = new Set<ControllerHandle>();
let counter = 0;

export async function startController(
  cluster: Cluster,
  options: StartControllerOptions = {},
): Promise<ControllerHandle> {
  const {
    leaderElect = false,
    identity = `replica-${++counter}`,
    waitReady = !leaderElect,
    ...rest
  } = options;
  const kc = cluster.controllerKubeConfig();
  const metrics = createRuntimeMetrics();
  const http = new HttpKubeApi(kc, { timeoutMs: 10_000, metrics });
  const api = new CuttableApi(http);
  const elector = leaderElect
    ? new LeaseLeaderElector({
        client: new ApiLeaseClient(api),
        namespace: SYSTEM_NS,
        name: 'ironlb-controller',
        identity,
        ...leaseTimings,
      })
    : undefined;
  const controller = new Controller({
    api,
    kubeConfig: kc,
    logger: logger.child({ replica: identity }),
    metrics,
    poolStatusIntervalMs: 200,
    ...(elector ? { elector } : {}),
    instance: identity,
    ...rest,
  });
  controller.start();
  const handle: ControllerHandle = {
    controller,
    api,
    identity,
    async stop() {
      handles.delete(handle);
      await controller.stop();
      http.close();
    },
    async kill() {
      handles.delete(handle);
      api.cut = true;
      await controller.stop();
      http.close();
    },
  };
  handles.add(handle);
  if (waitReady) await withTimeout(controller.whenLeadingAndReady(), 15_000, 'controller ready');
  return handle;
}

/** Stops every controller a test started and did not stop (afterEach). */
export async function stopAllControllers(): Promise<void> {
  for (const h of [...handles]) await h.kill();
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every 20 ms until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

// --- objects ---

export async function createNamespace(
  cluster: Cluster,
  name: string,
  labels?: Record<string, string>,
): Promise<void> {
  await cluster.api.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { metadata: { name, ...(labels ? { labels } : {}) } },
  });
}

export async function labelNamespace(
  cluster: Cluster,
  name: string,
  labels: Record<string, string | null>,
): Promise<void> {
  await cluster.api.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${name}`,
    contentType: PatchType.merge,
    body: { metadata: { labels } },
  });
}

export async function applyPool(
  cluster: Cluster,
  name: string,
  spec: IPAddressPoolSpec,
  labels?: Record<string, string>,
): Promise<void> {
  const path = `/apis/ironlb.io/v1beta1/ipaddresspools/${name}`;
  const body = {
    apiVersion: 'ironlb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec,
  };
  try {
    const old = await cluster.api.request<{ metadata: { resourceVersion: string } }>({ method: 'GET', path });
    await cluster.api.request({
      method: 'PUT',
      path,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: old.metadata.resourceVersion } },
    });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    await cluster.api.request({ method: 'POST', path: '/apis/ironlb.io/v1beta1/ipaddresspools', body });
  }
}

export async function deletePool(cluster: Cluster, name: string): Promise<void> {
  await cluster.api.request({ method: 'DELETE', path: `/apis/ironlb.io/v1beta1/ipaddresspools/${name}` });
}

export interface PoolObject {
  metadata: { name: string; generation?: number };
  spec: IPAddressPoolSpec;
  status?: {
    assignedIPv4?: number;
    availableIPv4?: number;
    assignedIPv6?: number;
    availableIPv6?: number;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

export function getPool(cluster: Cluster, name: string): Promise<PoolObject> {
  return cluster.api.request<PoolObject>({
    method: 'GET',
    path: `/apis/ironlb.io/v1beta1/ipaddresspools/${name}`,
  });
}

export interface ServiceInput {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: Partial<NonNullable<Service['spec']>>;
  ports?: number[];
}

export async function createService(
  cluster: Cluster,
  ns: string,
  name: string,
  input: ServiceInput = {},
): Promise<Service> {
  return cluster.api.request<Service>({
    method: 'POST',
    path: `/api/v1/namespaces/${ns}/services`,
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        ...(input.annotations ? { annotations: input.annotations } : {}),
        ...(input.labels ? { labels: input.labels } : {}),
      },
      spec: {
        type: 'LoadBalancer',
        ports: (input.ports ?? [80]).map((port) => ({ name: `p${port}`, port, protocol: 'TCP' })),
        selector: { app: name },
        ...input.spec,
      },
    },
  });
}

export async function patchService(
  cluster: Cluster,
  ns: string,
  name: string,
  patch: Record<string, unknown>,
): Promise<Service> {
  return cluster.api.request<Service>({
    method: 'PATCH',
    path: `/api/v1/namespaces/${ns}/services/${name}`,
    contentType: PatchType.merge,
    body: patch,
  });
}

export async function deleteService(cluster: Cluster, ns: string, name: string): Promise<void> {
  await cluster.api.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}/services/${name}` });
}

export function getService(cluster: Cluster, ns: string, name: string): Promise<Service> {
  return cluster.api.request<Service>({ method: 'GET', path: `/api/v1/namespaces/${ns}/services/${name}` });
}

export function ingressIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
}

export function allocatedCondition(svc: Service) {
  return svc.status?.conditions?.find((c) => c.type === 'ironlb.io/AddressAllocated');
}

/** Waits until the Service's ingress addresses satisfy `check` and returns the Service. */
export async function waitForService(
  cluster: Cluster,
  ns: string,
  name: string,
  check: (svc: Service) => boolean,
  what = `Service ${ns}/${name}`,
  timeoutMs = 10_000,
): Promise<Service> {
  return waitFor(
    what,
    async () => {
      const svc = await getService(cluster, ns, name);
      return check(svc) ? svc : undefined;
    },
    timeoutMs,
  );
}

/** Waits until the Service shows exactly `ips` (any order) with the condition True. */
export function waitForIPs(cluster: Cluster, ns: string, name: string, ips?: string[]): Promise<Service> {
  return waitForService(
    cluster,
    ns,
    name,
    (svc) =>
      allocatedCondition(svc)?.status === 'True' &&
      (ips === undefined
        ? ingressIPs(svc).length > 0
        : ingressIPs(svc).length === ips.length && ips.every((ip) => ingressIPs(svc).includes(ip))),
    `Service ${ns}/${name} to show ${ips?.join(', ') ?? 'an address'}`,
  );
}

/** Waits until the condition is False with `reason`. */
export function waitForReason(cluster: Cluster, ns: string, name: string, reason: string): Promise<Service> {
  return waitForService(
    cluster,
    ns,
    name,
    (svc) => allocatedCondition(svc)?.status === 'False' && allocatedCondition(svc)?.reason === reason,
    `Service ${ns}/${name} to report ${reason}`,
  );
}

export interface EventObject {
  reason: string;
  type: string;
  message: string;
  count?: number;
  involvedObject: { kind: string; name: string; namespace?: string };
}

export async function eventsFor(
  cluster: Cluster,
  ns: string,
  name: string,
  kind = 'Service',
): Promise<EventObject[]> {
  const list = await cluster.api.request<{ items: EventObject[] }>({
    method: 'GET',
    path: `/api/v1/namespaces/${ns}/events`,
  });
  return list.items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === kind);
}

export async function eventReasons(
  cluster: Cluster,
  ns: string,
  name: string,
  kind = 'Service',
): Promise<string[]> {
  return (await eventsFor(cluster, ns, name, kind)).map((e) => e.reason);
}

/**
 * Watches every Service (its own informer, admin credentials) and records each change of its
 * ingress addresses. A Service that had addresses and then shows other ones, or none while it
 * is still a LoadBalancer, is a violation: "no Service that had an IP changed it".
 */
export class IPHistory {
  readonly violations: string[] = [];
  /** uid -> the addresses first seen. */
  readonly first = new Map<string, string>();
  readonly #informer: ApiInformer<Service & KubeObject>;
  readonly #api: HttpKubeApi;

  constructor(cluster: Cluster, options: { allowLoss?: (svc: Service) => boolean } = {}) {
    const kc = kubeConfig(cluster.emu.kubeconfig());
    this.#api = new HttpKubeApi(kc, { timeoutMs: 10_000 });
    this.#informer = new ApiInformer<Service & KubeObject>({
      kubeConfig: kc,
      api: this.#api,
      resource: serviceResource,
    });
    const observe = (svc: Service) => {
      const uid = svc.metadata.uid ?? `${svc.metadata.namespace}/${svc.metadata.name}`;
      const ips = ingressIPs(svc).sort().join(',');
      const had = this.first.get(uid);
      if (had === undefined) {
        if (ips !== '') this.first.set(uid, ips);
        return;
      }
      if (ips === had) return;
      if (ips === '' && (svc.spec?.type !== 'LoadBalancer' || options.allowLoss?.(svc))) return;
      this.violations.push(
        `${svc.metadata.namespace}/${svc.metadata.name} (${uid}): ${had} -> ${ips || 'none'}`,
      );
    };
    this.#informer.addHandlers({ onAdd: observe, onUpdate: (_, svc) => observe(svc) });
    this.#informer.start();
  }

  waitForSync(): Promise<void> {
    return this.#informer.waitForSync();
  }

  async stop(): Promise<void> {
    await this.#informer.stop();
    this.#api.close();
  }
}

export async function listServices(cluster: Cluster): Promise<Service[]> {
  return (await cluster.api.request<{ items: Service[] }>({ method: 'GET', path: '/api/v1/services' })).items;
}

/**
 * Addresses shown by two Services that may not share them: different or missing sharing keys,
 * different backends (externalTrafficPolicy Local selectors), or a common port.
 */
export function sharingViolations(services: readonly Service[]): string[] {
  const byIP = new Map<string, Service[]>();
  for (const svc of services) {
    if (svc.spec?.type !== 'LoadBalancer') continue;
    for (const ip of ingressIPs(svc)) byIP.set(ip, [...(byIP.get(ip) ?? []), svc]);
  }
  const key = (s: Service) => s.metadata.annotations?.['ironlb.io/allow-shared-ip'];
  const backend = (s: Service) =>
    s.spec?.externalTrafficPolicy === 'Local'
      ? JSON.stringify(Object.entries(s.spec.selector ?? {}).sort())
      : '';
  const ports = (s: Service) => (s.spec?.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`);
  const out: string[] = [];
  for (const [ip, holders] of byIP) {
    for (let i = 0; i < holders.length; i++)
      for (let j = i + 1; j < holders.length; j++) {
        const a = holders[i]!;
        const b = holders[j]!;
        const name = (s: Service) => `${s.metadata.namespace}/${s.metadata.name}`;
        if (key(a) === undefined || key(a) !== key(b))
          out.push(`${ip}: ${name(a)} and ${name(b)} have no common key`);
        else if (backend(a) !== backend(b))
          out.push(`${ip}: ${name(a)} and ${name(b)} have different backends`);
        else if (ports(a).some((p) => ports(b).includes(p)))
          out.push(`${ip}: ${name(a)} and ${name(b)} use the same port`);
      }
  }
  return out;
}
