// The speaker's end-to-end cluster, every part a real process: the lab network
// (buildLabTopology: a switch, FRR (and BIRD) as routers, three node namespaces, a client),
// `ironlb emulator` and `ironlb controller` in the root namespace, one `ironlb speaker` in each
// node namespace (authenticating as the speaker ServiceAccount, RBAC enforced), and in each
// node a kube-proxy stand-in (the VIPs on lo with strict ARP sysctls, and an HTTP server that
// answers its node's name).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { HttpKubeApi, PatchType, isNotFound, type KubeApi } from '@ironlb/kube';
import {
  buildLabTopology,
  curl,
  requireRoot,
  startServiceStandIn,
  waitFor,
  type LabProcess,
  type LabTopology,
  type LabTopologyOptions,
  type ServiceStandIn,
} from '@ironlb/netlab';
import { ApiBridge, BRIDGED_API_PORT } from './api-bridge.js';
import { SYSTEM_NS, setUpCluster, tokenKubeconfig, type LabConfigOptions } from './kube-setup.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/src/bin.ts');
const ADMIN_TOKEN = 'ironlb-e2e-admin';
export const MEMBER_PORT = 7947;
export const METRICS_PORT = 9121;

/** Runs the CLI from source (no build needed). */
export function cliArgv(...args: string[]): string[] {
  return [process.execPath, '--conditions=@ironlb/source', '--import', 'tsx', bin, ...args];
}

export interface SpeakerClusterOptions extends LabConfigOptions {
  tag: string;
  /** Extra flags for every speaker. */
  speakerArgs?: readonly string[];
  frr?: LabTopologyOptions['frr'];
}

export interface ServiceSpec {
  pool: 'l2' | 'bgp';
  local?: boolean;
  /** IPv4 and IPv6 (layer-2 pool only). */
  dualStack?: boolean;
}

export class SpeakerCluster {
  readonly topo: LabTopology;
  readonly api: HttpKubeApi;
  readonly nodes: readonly string[];
  readonly speakers = new Map<string, LabProcess>();
  readonly standIns = new Map<string, ServiceStandIn>();
  readonly #o: SpeakerClusterOptions;
  readonly #speakerKubeconfig: string;
  #starts = 0;

  private constructor(
    o: SpeakerClusterOptions,
    topo: LabTopology,
    api: HttpKubeApi,
    speakerKubeconfig: string,
  ) {
    this.#o = o;
    this.topo = topo;
    this.api = api;
    this.#speakerKubeconfig = speakerKubeconfig;
    this.nodes = topo.nodes.map((n) => n.name);
  }

  static async start(o: SpeakerClusterOptions): Promise<SpeakerCluster> {
    requireRoot();
    const topo = await buildLabTopology({
      labOptions: { tag: o.tag, keepFiles: process.env.IRONLB_E2E_KEEP === '1' },
      nodes: 3,
      // BIRD waits 60 s after a session error before it accepts the node again (`error wait
      // time`): a node whose link came back would stay out of its table for a minute.
      bird: o.bird ? { protocolSettings: { extraLines: ['error wait time 1, 5;'] } } : false,
      ...(o.frr !== undefined ? { frr: o.frr } : {}),
    });
    try {
      const lab = topo.lab;
      // The emulator: a real process; it prints its URL once listening.
      let url: string | undefined;
      const kubeconfigPath = join(lab.dir, 'admin.kubeconfig');
      await lab.spawnIn(
        undefined,
        cliArgv(
          'emulator',
          '--port',
          '0',
          '--no-tls',
          '--rbac',
          '--admin-token',
          ADMIN_TOKEN,
          '--kubeconfig-out',
          kubeconfigPath,
          '--log-format',
          'json',
        ),
        {
          name: 'emulator',
          cwd: root,
          onLine: (line, stream) => {
            if (stream === 'stdout' && line.startsWith('http')) url = line.trim();
          },
        },
      );
      await waitFor(() => url, { timeoutMs: 60_000, description: 'the emulator to print its URL' });
      const apiPort = Number(new URL(url!).port);
      const kc = new KubeConfig();
      kc.loadFromString(tokenKubeconfig(url!, ADMIN_TOKEN));
      const api = new HttpKubeApi(kc, { timeoutMs: 10_000 });
      await setUpCluster(
        api,
        topo.nodes.map((n) => n.name),
        o,
      );
      const token = async (sa: string) =>
        (
          await api.request<{ token: string }>({
            method: 'POST',
            path: '/__emu/tokens',
            body: { serviceAccount: sa, namespace: SYSTEM_NS },
          })
        ).token;
      // The controller, as its ServiceAccount, in the root namespace.
      const controllerKc = join(lab.dir, 'controller.kubeconfig');
      writeFileSync(controllerKc, tokenKubeconfig(url!, await token('ironlb-controller')));
      await lab.spawnIn(
        undefined,
        cliArgv('controller', '--kubeconfig', controllerKc, '--metrics-addr', 'off', '--log-format', 'json'),
        { name: 'controller', cwd: root },
      );
      // The API inside the node namespaces.
      const bridge = await ApiBridge.start(lab.dir, apiPort);
      lab.onDestroy(() => bridge.close());
      const speakerKc = join(lab.dir, 'speaker.kubeconfig');
      writeFileSync(
        speakerKc,
        tokenKubeconfig(`http://127.0.0.1:${BRIDGED_API_PORT}`, await token('ironlb-speaker')),
      );
      const cluster = new SpeakerCluster(o, topo, api, speakerKc);
      await Promise.all(
        topo.nodes.map(async (n) => {
          await bridge.forwardInto(n.netns);
          cluster.standIns.set(n.name, await startServiceStandIn(n.netns, { nodeName: n.name }));
        }),
      );
      await Promise.all(cluster.nodes.map((n) => cluster.startSpeaker(n)));
      return cluster;
    } catch (err) {
      await topo.destroy();
      throw err;
    }
  }

  /** Starts (or restarts) the speaker of `node`; resolves once it has settled. */
  async startSpeaker(node: string, options: { waitSettled?: boolean } = {}): Promise<LabProcess> {
    const netns = this.topo.node(node).netns;
    const n = ++this.#starts;
    const proc = await netns.spawn(
      cliArgv(
        'speaker',
        '--node',
        node,
        '--kubeconfig',
        this.#speakerKubeconfig,
        '--interfaces',
        'eth0',
        '--member-port',
        String(MEMBER_PORT),
        '--metrics-addr',
        `127.0.0.1:${METRICS_PORT}`,
        '--log-format',
        'json',
        '--log-level',
        'debug',
        ...(this.#o.speakerArgs ?? []),
      ),
      { name: `speaker-${n}`, cwd: root, logFile: join(this.topo.lab.dir, `${node}-speaker-${n}.log`) },
    );
    this.speakers.set(node, proc);
    if (options.waitSettled ?? true) await proc.waitForLog('"event":"settled"', { timeoutMs: 90_000 });
    return proc;
  }

  /** kill -9 of a node's speaker. */
  async killSpeaker(node: string): Promise<void> {
    const proc = this.speakers.get(node)!;
    proc.kill('SIGKILL');
    await proc.waitExit(10_000);
  }

  /** Creates a LoadBalancer Service; resolves with its addresses once the controller assigned them. */
  async createService(name: string, spec: ServiceSpec): Promise<string[]> {
    await this.api.request({
      method: 'POST',
      path: '/api/v1/namespaces/shop/services',
      body: {
        metadata: { name, annotations: { 'ironlb.io/address-pool': spec.pool } },
        spec: {
          type: 'LoadBalancer',
          ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
          ...(spec.local ? { externalTrafficPolicy: 'Local' } : {}),
          ...(spec.dualStack ? { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] } : {}),
        },
      },
    });
    const ips = await waitFor(
      async () => {
        const svc = await this.api.request<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>({
          method: 'GET',
          path: `/api/v1/namespaces/shop/services/${name}`,
        });
        const list = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip!).filter(Boolean);
        return list.length >= (spec.dualStack ? 2 : 1) ? list : undefined;
      },
      { timeoutMs: 30_000, description: `an address for Service ${name}` },
    );
    for (const s of this.standIns.values()) for (const ip of ips) await s.addVip(ip);
    return ips;
  }

  /** The Service's EndpointSlice: one ready endpoint on each of `nodes`. */
  async setEndpoints(name: string, nodes: readonly string[]): Promise<void> {
    const body = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-e2e`, namespace: 'shop', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: nodes.map((node, i) => ({
        addresses: [`10.244.${i}.10`],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: node,
      })),
      ports: [{ port: 80, protocol: 'TCP' }],
    };
    const path = `/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices`;
    try {
      await this.api.request({
        method: 'PUT',
        path: `${path}/${name}-e2e`,
        body: await this.#withVersion(`${path}/${name}-e2e`, body),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.api.request({ method: 'POST', path, body });
    }
  }

  async #withVersion(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const current = await this.api.request<{ metadata: { resourceVersion: string } }>({
      method: 'GET',
      path,
    });
    return {
      ...body,
      metadata: { ...(body.metadata as object), resourceVersion: current.metadata.resourceVersion },
    };
  }

  async deleteService(name: string): Promise<void> {
    await this.api.request({ method: 'DELETE', path: `/api/v1/namespaces/shop/services/${name}` });
    await this.api
      .request({
        method: 'DELETE',
        path: `/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices/${name}-e2e`,
      })
      .catch(() => undefined);
  }

  /** The Events recorded on a Service, oldest first. */
  async events(name: string): Promise<{ reason: string; message: string; source?: { host?: string } }[]> {
    const list = await this.api.request<{
      items: {
        reason: string;
        message: string;
        involvedObject: { name: string };
        source?: { host?: string };
        firstTimestamp?: string;
      }[];
    }>({ method: 'GET', path: '/api/v1/namespaces/shop/events' });
    return list.items.filter((e) => e.involvedObject.name === name);
  }

  /** Requests of the speakers' ServiceAccount in the emulator's log, and those it refused (403). */
  async speakerRequests(): Promise<{ total: number; forbidden: { method: string; path: string }[] }> {
    const log = await this.api.request<{ method: string; path: string; status: number; user: string }[]>({
      method: 'GET',
      path: '/__emu/requests',
    });
    const mine = log.filter((r) => r.user === 'system:serviceaccount:ironlb-system:ironlb-speaker');
    return {
      total: mine.length,
      forbidden: mine.filter((r) => r.status === 403).map((r) => ({ method: r.method, path: r.path })),
    };
  }

  async speakerStatus(node: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.api.request({
        method: 'GET',
        path: `/apis/ironlb.io/v1beta1/speakerstatuses/${node}`,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * A speaker's Prometheus metrics (curl inside its namespace). Throws when /metrics does not
   * answer 200: a metric read as 0 from an error page would look like a counter that never moved.
   */
  async metrics(node: string): Promise<string> {
    const r = await curl(this.topo.node(node).netns, `http://127.0.0.1:${METRICS_PORT}/metrics`, {
      maxTimeS: 5,
    });
    if (!r.ok)
      throw new Error(
        `${node}: GET /metrics answered ${r.status || 'nothing'} (curl exit ${r.exitCode} ${r.error}): ${r.body.slice(0, 300)}`,
      );
    return r.body;
  }

  /** GET /healthz or /readyz?verbose of a speaker: status and body. */
  async health(
    node: string,
    path: '/healthz' | '/readyz?verbose',
  ): Promise<{ status: number; body: string }> {
    const r = await curl(this.topo.node(node).netns, `http://127.0.0.1:${METRICS_PORT}${path}`, {
      maxTimeS: 5,
    });
    return { status: r.status, body: r.body };
  }

  /** One sample of a metric (summed over labels matching `labels`). */
  async metric(node: string, name: string, labels: Record<string, string> = {}): Promise<number> {
    let sum = 0;
    for (const line of (await this.metrics(node)).split('\n')) {
      if (!line.startsWith(name) || line.startsWith('#')) continue;
      const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
    }
    return sum;
  }

  /** GET http://ip/ from the client: the answering node's name, or undefined. */
  async reach(ip: string): Promise<string | undefined> {
    const host = ip.includes(':') ? `[${ip}]` : ip;
    const r = await curl(this.topo.client!, `http://${host}/`, { maxTimeS: 2 });
    return r.ok ? r.body.trim() : undefined;
  }

  async patchNodeLabels(node: string, labels: Record<string, string | null>): Promise<void> {
    await this.api.request({
      method: 'PATCH',
      path: `/api/v1/nodes/${node}`,
      contentType: PatchType.merge,
      body: { metadata: { labels } },
    });
  }

  get adminApi(): KubeApi {
    return this.api;
  }

  async destroy(): Promise<void> {
    this.api.close();
    await this.topo.destroy();
  }
}
