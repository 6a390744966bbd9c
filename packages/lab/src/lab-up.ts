// `ironlb lab up`: the whole lab, idempotently. Already running and healthy: nothing to do.
// A previous lab half-gone (crash, reboot, killed process): its remains are removed and it is
// built again on the same data (the emulator's objects persist in the lab directory, so
// Services keep their addresses and user edits survive).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { kubeconfigYaml } from '@ironlb/emulator';
import { HttpKubeApi, loadKubeConfig } from '@ironlb/kube';
import {
  buildLabTopology,
  createLab,
  sleep,
  startServiceStandIn,
  waitFor,
  type LabTopology,
  type NetlabLogger,
} from '@ironlb/netlab';
import {
  applyManifest,
  createIfMissing,
  readManifest,
  registerNode,
  serviceAccountToken,
} from './cluster-bootstrap.js';
import { LabError, LabErrorCode } from './lab-error.js';
import type { LabLayout } from './lab-layout.js';
import {
  controllerArgv,
  freePort,
  portIsFree,
  recordOf,
  speakerArgv,
  startControllerProcess,
  startEmulatorProcess,
  startSpeakerProcess,
} from './lab-processes.js';
import { readLabRecord, writeLabRecord, type LabRecord } from './lab-record.js';
import { checkHealth, teardown } from './lab-lifecycle.js';
import { startNamespaceRelay, startRootRelay } from './api-relay.js';
import { runStep, type Progress } from './progress.js';
import {
  SAMPLE_NAMESPACE,
  nodeObject,
  nodeStatus,
  sampleConfiguration,
  sampleEndpointSlice,
  sampleService,
  sampleServices,
} from './sample-config.js';
import { collectLabStatus, type LabStatus } from './lab-status.js';
import { unsettled, type SampleAddress } from './lab-settle.js';

export interface LabUpOptions {
  readonly layout: LabLayout;
  /** The argv prefix that runs the `ironlb` command (the built CLI). */
  readonly cli: readonly string[];
  readonly progress: Progress;
  readonly logger?: NetlabLogger;
  /** Number of node namespaces (default 3). */
  readonly nodes?: number;
  /** Limit for each wait (API ready, addresses assigned, Services answering). Default 60 s. */
  readonly timeoutMs?: number;
}

const CONTROLLER_REPLICAS = ['controller-1', 'controller-2'];

/** The VIP ranges a node accepts traffic for (the kube-proxy stand-in's part). */
const serviceRanges = ['198.51.100.0/24', '203.0.113.0/24', '2001:db8:100::/64'];

function caFromKubeconfig(file: string): string {
  const kc = parse(readFileSync(file, 'utf8')) as {
    clusters?: { cluster?: { 'certificate-authority-data'?: string } }[];
  };
  const data = kc.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!data) throw new Error(`${file} has no certificate-authority-data`);
  return Buffer.from(data, 'base64').toString('utf8');
}

function rotateLogs(layout: LabLayout): void {
  const previous = `${layout.logDir}.previous`;
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(layout.logDir)) renameSync(layout.logDir, previous);
  mkdirSync(layout.logDir, { recursive: true });
}

export async function labUp(options: LabUpOptions): Promise<LabStatus> {
  const { layout, cli, progress } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const existing = readLabRecord(layout.recordFile);
  if (existing) {
    const health = await checkHealth(layout, existing);
    if (health.healthy) {
      progress.line(`IronLB lab "${layout.name}" is already up.`);
      return collectLabStatus(layout);
    }
    await runStep(
      progress,
      `recovering: ${health.problems.join('; ')}`,
      () => teardown(layout, existing, { keepData: true }),
      () => 'removed the remains of the previous lab (its data is kept)',
    );
  }
  mkdirSync(layout.dir, { recursive: true });
  rotateLogs(layout);
  const apiPort = existing && (await portIsFree(existing.apiPort)) ? existing.apiPort : await freePort();
  const apiServer = `https://127.0.0.1:${apiPort}`;
  const nodeNames = Array.from({ length: options.nodes ?? 3 }, (_, i) => `node${i + 1}`);

  const lab = await createLab({
    tag: 'lab',
    name: layout.netlabName,
    persistent: true,
    replaceExisting: true,
    logger: options.logger,
  });
  const record: LabRecord = {
    version: 1,
    name: layout.name,
    netlabName: layout.netlabName,
    apiPort,
    apiServer,
    createdAt: new Date().toISOString(),
    nodes: [],
    processes: [],
  };
  const save = () => writeLabRecord(layout.recordFile, record);
  save();

  const topo: LabTopology = await runStep(
    progress,
    'network: switch, router, nodes, client',
    () => buildLabTopology({ lab, nodes: nodeNames, frr: { peerSettings: { gracefulRestart: 'helper' } } }),
    (t) =>
      `network: switch, FRR router 192.0.2.1 (AS 64512), ${t.nodes.map((n) => n.name).join(', ')} (192.0.2.11-${10 + t.nodes.length}), client 192.0.2.100`,
  );
  Object.assign(record, {
    routerFrrDir: topo.frr?.dir,
    nodes: topo.nodes.map((n) => ({
      name: n.name,
      ipv4: n.ipv4,
      ipv6: n.ipv6,
      mac: n.mac,
      switchPort: topo.switch.portOf(n.netns),
    })),
  });
  save();

  await runStep(
    progress,
    'Kubernetes API server emulator',
    async () => {
      const { proc, argv } = await startEmulatorProcess(lab, cli, layout, apiPort);
      record.processes.push(recordOf(proc, 'emulator', 'emulator', argv));
      const root = await startRootRelay(lab, {
        socket: layout.apiSocket,
        port: apiPort,
        logFile: `${layout.logDir}/api-relay.log`,
      });
      record.processes.push(recordOf(root, 'relay', 'root', root.argv));
      for (const node of topo.nodes) {
        const relay = await startNamespaceRelay(node.netns, {
          socket: layout.apiSocket,
          port: apiPort,
          logDir: layout.logDir,
        });
        record.processes.push(recordOf(relay, 'relay', node.name, relay.argv, node.netns));
      }
      save();
    },
    () =>
      `Kubernetes API server emulator on ${apiServer} (RBAC enforced, objects kept in ${layout.apiDataDir})`,
  );

  const api = new HttpKubeApi(loadKubeConfig(layout.kubeconfig), { timeoutMs: 10_000 });
  let speakersStartedAt = Date.now();
  try {
    await runStep(
      progress,
      'CRDs, namespace and RBAC from config/manifests/ironlb.yaml',
      async () => {
        await applyManifest(api, readManifest(layout.manifest));
        const caPem = caFromKubeconfig(layout.kubeconfig);
        for (const [file, sa] of [
          [layout.controllerKubeconfig, 'ironlb-controller'],
          [layout.speakerKubeconfig, 'ironlb-speaker'],
        ] as const) {
          const token = await serviceAccountToken(api, 'ironlb-system', sa);
          writeFileSync(
            file,
            kubeconfigYaml({ server: apiServer, token, caPem, namespace: 'ironlb-system', name: sa }),
            { mode: 0o600 },
          );
        }
      },
      () =>
        'IronLB CRDs, namespace ironlb-system and RBAC as shipped; ServiceAccount tokens for the controller and speakers',
    );

    await runStep(
      progress,
      'nodes and sample configuration',
      async () => {
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        for (const node of topo.nodes)
          await registerNode(api, nodeObject(node.name) as never, nodeStatus(node.name, node, now));
        for (const obj of sampleConfiguration()) await createIfMissing(api, obj as never);
        await createIfMissing(api, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: SAMPLE_NAMESPACE },
        });
        for (const entry of sampleServices) {
          await createIfMissing(api, sampleService(entry) as never);
          await createIfMissing(api, sampleEndpointSlice(entry, topo.nodes) as never);
        }
      },
      () =>
        `Nodes ${topo.nodes.map((n) => n.name).join(', ')}; pools lab-ipv4, lab-ipv6 (layer 2) and lab-bgp (BGP peer lab-router); Services ${sampleServices.map((s) => `${SAMPLE_NAMESPACE}/${s.name}`).join(', ')}`,
    );

    await runStep(
      progress,
      'controller (2 replicas, leader election)',
      async () => {
        for (const replica of CONTROLLER_REPLICAS) {
          const argv = controllerArgv(cli, layout, replica, await freePort());
          const proc = await startControllerProcess(lab, argv, layout, replica);
          record.processes.push(recordOf(proc, 'controller', replica, argv));
        }
        save();
        await waitFor(() => allAssigned(api), {
          timeoutMs,
          intervalMs: 200,
          description: 'the sample Services to get addresses',
        });
      },
      () => `controller: ${CONTROLLER_REPLICAS.join(', ')}; the sample Services have addresses`,
    );

    await runStep(
      progress,
      'speakers and kube-proxy stand-ins on the nodes',
      async () => {
        for (const node of topo.nodes) {
          const standIn = await startServiceStandIn(node.netns, { nodeName: node.name, port: 80 });
          for (const range of serviceRanges)
            await node.netns.ip(['route', 'replace', 'local', range, 'dev', 'lo']);
          record.processes.push(
            recordOf(standIn.server, 'stand-in', node.name, standIn.server.argv, node.netns),
          );
        }
        // The speakers together, as a DaemonSet starts them: each waits (up to its --settle) to
        // hear from the others before it claims layer-2 addresses.
        speakersStartedAt = Date.now();
        for (const node of topo.nodes) {
          const argv = speakerArgv(cli, layout, node.name);
          const proc = await startSpeakerProcess(node.netns, argv, layout, node.name);
          record.processes.push(recordOf(proc, 'speaker', node.name, argv, node.netns));
        }
        save();
      },
      () => `speakers on ${topo.nodes.map((n) => n.name).join(', ')}; each node answers HTTP with its name`,
    );

    await runStep(progress, 'sample Services answering from the client namespace', async () => {
      const client = topo.client;
      if (!client) throw new Error('the lab has no client namespace');
      const addresses = await sampleAddresses(api);
      const ips = addresses.map((a) => a.ip);
      const last = new Map<string, string>();
      const answers = async (ip: string): Promise<boolean> => {
        const url = `http://${ip.includes(':') ? `[${ip}]` : ip}/`;
        const r = await client.exec(['curl', '-sS', '--noproxy', '*', '--max-time', '1', url], {
          timeoutMs: 3000,
        });
        last.set(
          ip,
          r.code === 0 ? `answered by ${r.stdout.trim()}` : r.stderr.trim().replace(/^curl: \(\d+\) /, ''),
        );
        return r.code === 0;
      };
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const results = await Promise.all(ips.map(answers));
        if (results.every(Boolean)) break;
        if (performance.now() > deadline)
          throw new Error(
            `no answer within ${timeoutMs / 1000}s: ${[...last].map(([ip, what]) => `${ip} ${what}`).join('; ')}`,
          );
        await sleep(250);
      }
      // Settled: the speakers agree (their SpeakerStatus, written at most every 2 s, lags
      // them) and the client reaches each layer-2 address at the node announcing it, so that
      // the status printed next says who announces what (lab-settle.ts).
      const nodes = topo.nodes.map((n) => n.name);
      const settleDeadline = performance.now() + 30_000;
      for (;;) {
        const problem = await unsettled(api, client, nodes, addresses, speakersStartedAt);
        if (problem === undefined) break;
        if (performance.now() > settleDeadline)
          throw new Error(`the speakers did not settle within 30s: ${problem}`);
        await sleep(250);
      }
    });
  } catch (err) {
    throw new LabError(
      LabErrorCode.startFailed,
      `${(err as Error).message.split('\n')[0]}; the lab is left as it is: logs in ${layout.logDir}, remove it with \`npm run lab -- down\``,
      { cause: err },
    );
  } finally {
    api.close();
  }
  record.ready = true;
  save();
  progress.line(`Ready in ${((performance.now() - started) / 1000).toFixed(1)}s.`);
  return collectLabStatus(layout);
}

interface ServiceList {
  items: { metadata: { name: string }; status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }[];
}

async function sampleAddresses(api: HttpKubeApi): Promise<SampleAddress[]> {
  const list = await api.request<ServiceList>({
    method: 'GET',
    path: `/api/v1/namespaces/${SAMPLE_NAMESPACE}/services`,
  });
  return list.items.flatMap((s) => {
    const entry = sampleServices.find((e) => e.name === s.metadata.name);
    if (!entry) return [];
    return (s.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip ?? '')
      .filter(Boolean)
      .map((ip) => ({ ip, mode: entry.mode }));
  });
}

async function allAssigned(api: HttpKubeApi): Promise<boolean> {
  const list = await api.request<ServiceList>({
    method: 'GET',
    path: `/api/v1/namespaces/${SAMPLE_NAMESPACE}/services`,
  });
  return sampleServices.every((e) =>
    list.items.some((s) => s.metadata.name === e.name && (s.status?.loadBalancer?.ingress ?? []).length > 0),
  );
}
