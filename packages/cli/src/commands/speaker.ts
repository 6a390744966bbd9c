// `ironlb speaker`: the per-node speaker (run on every node, host network, CAP_NET_RAW and
// CAP_NET_ADMIN). Decides what this node announces and drives the layer-2 announcer, the BGP
// sessions, BFD and the failure detector among speakers. Serves /metrics, /healthz and
// /readyz. SIGTERM/SIGINT: the failure detector says goodbye (others take over at once), then
// BGP sessions close (keeping routes at routers that negotiated graceful restart, by default).
import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BfdWorker, type BfdController } from '@ironlb/bfd';
import { parseDuration } from '@ironlb/config';
import { HttpKubeApi, createRuntimeMetrics, loadKubeConfig, startHealthServer } from '@ironlb/kube';
import type { HealthServer } from '@ironlb/kube';
import { DEFAULT_MEMBERSHIP_PORT } from '@ironlb/membership';
import { DEFAULT_LB_CLASS, SpeakerDaemon } from '@ironlb/speaker';
import { addCommonOptions, addKubeconfigOption, type CommonOptions } from '../common-options.js';
import { createRootLogger } from '../logging.js';

interface SpeakerCommandOptions extends CommonOptions {
  node?: string;
  kubeconfig?: string;
  namespace?: string;
  interfaces?: string;
  interfacePattern?: string;
  layer2: boolean;
  memberPort: number;
  memberAddress?: string;
  memberBind?: string;
  memberKeySecret: string;
  probeInterval?: number;
  probeTimeout?: number;
  suspicionMin?: number;
  suspicionMax?: number;
  lbClass: string;
  unclassed?: 'handle' | 'ignore';
  quorum: 'hold' | 'ignore';
  settle: number;
  yield: number;
  statusInterval: number;
  bfd: boolean;
  onShutdown: 'keep-routes' | 'withdraw';
  metricsAddr: string;
}

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration such as 2s or 500ms');
  return ms;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port (1-65535)');
  return n;
}

function namespaceOf(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  return 'ironlb-system';
}

export function registerSpeakerCommand(program: Command): void {
  const cmd = program
    .command('speaker')
    .description('run the speaker of one node (layer-2 and BGP announcement, failure detection)');
  addKubeconfigOption(cmd);
  cmd
    .option('--node <name>', 'the node this speaker runs on (default: $NODE_NAME)')
    .option(
      '--namespace <ns>',
      'namespace of IronLB, for Secrets named without one (default: $POD_NAMESPACE, the service account namespace, or ironlb-system)',
    )
    .option('--interfaces <names>', 'layer 2: announce on these interfaces only (comma separated)')
    .option('--interface-pattern <regex>', 'layer 2: announce on interfaces whose name matches')
    .option('--no-layer2', 'do not announce in layer-2 mode (BGP only; no CAP_NET_RAW needed)')
    .option('--member-port <port>', 'UDP port of the failure detector', portArg, DEFAULT_MEMBERSHIP_PORT)
    .option(
      '--member-address <ip>',
      "address published for the other speakers (default: the Node's InternalIP)",
    )
    .option('--member-bind <ip>', 'bind the failure detector to this address (default: all)')
    .option(
      '--member-key-secret <[namespace/]name>',
      'Secret holding the failure detector key (data key `key`, optionally `previous-key`)',
      'ironlb-membership',
    )
    .option(
      '--probe-interval <duration>',
      'failure detector: one probe per interval (default 100ms)',
      durationArg,
    )
    .option(
      '--probe-timeout <duration>',
      'failure detector: wait for a direct ack (default 30ms)',
      durationArg,
    )
    .option(
      '--suspicion-min <duration>',
      'failure detector: a suspected speaker is declared dead after this long when others confirm (default 200ms)',
      durationArg,
    )
    .option(
      '--suspicion-max <duration>',
      'failure detector: ... and after this long when nobody confirms (default 500ms)',
      durationArg,
    )
    .option(
      '--lb-class <class>',
      'the spec.loadBalancerClass to handle (as the controller)',
      DEFAULT_LB_CLASS,
    )
    .addOption(
      new Option(
        '--unclassed <mode>',
        'Services without a loadBalancerClass (default: handle with the default class)',
      ).choices(['handle', 'ignore']),
    )
    .addOption(
      new Option(
        '--quorum <policy>',
        'without a majority of speakers reachable: hold (keep what this node announces, take nothing over) or ignore',
      )
        .choices(['hold', 'ignore'])
        .default('hold'),
    )
    .addOption(
      new Option('--settle <duration>', 'at start, wait at most this long to hear from every speaker')
        .argParser(durationArg)
        .default(2000, '2s'),
    )
    .addOption(
      new Option(
        '--yield <duration>',
        'stand back this long from an address a higher-ranked speaker answers for',
      )
        .argParser(durationArg)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--status-interval <duration>', 'least time between SpeakerStatus writes')
        .argParser(durationArg)
        .default(2000, '2s'),
    )
    .option('--no-bfd', 'ignore the BFD profiles of BGP peers')
    .addOption(
      new Option(
        '--on-shutdown <mode>',
        'BGP on SIGTERM: keep-routes (graceful restart, routers keep routes while the speaker restarts) or withdraw',
      )
        .choices(['keep-routes', 'withdraw'])
        .default('keep-routes'),
    )
    .option(
      '--metrics-addr <addr>',
      'serve /metrics, /healthz and /readyz here (host:port, :port, or off)',
      ':9121',
    );
  addCommonOptions(cmd);
  cmd.action(async (opts: SpeakerCommandOptions) => {
    const node = opts.node ?? process.env.NODE_NAME;
    if (!node) throw new InvalidArgumentError('--node (or $NODE_NAME) is required');
    const logger = createRootLogger({ level: opts.logLevel, format: opts.logFormat, name: 'ironlb-speaker' });
    const kc = loadKubeConfig(opts.kubeconfig);
    const metrics = createRuntimeMetrics();
    const api = new HttpKubeApi(kc, { metrics, userAgent: `ironlb-speaker/${node}` });
    const namespace = namespaceOf(opts.namespace);
    const [keyNs, keyName] = opts.memberKeySecret.includes('/')
      ? opts.memberKeySecret.split('/', 2)
      : [undefined, opts.memberKeySecret];
    // BFD in its own thread, so that busy work on the main loop cannot delay its packets.
    const bfd: BfdController | undefined = opts.bfd
      ? await BfdWorker.start({ logger, socketModule: { specifier: '@ironlb/sys' } })
      : undefined;
    const interfaces = opts.interfaces
      ? {
          names: opts.interfaces
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : opts.interfacePattern
        ? { pattern: opts.interfacePattern }
        : undefined;
    const settings = {
      ...(opts.probeInterval !== undefined ? { probeIntervalMs: opts.probeInterval } : {}),
      ...(opts.probeTimeout !== undefined ? { probeTimeoutMs: opts.probeTimeout } : {}),
      ...(opts.suspicionMin !== undefined ? { suspicionMinMs: opts.suspicionMin } : {}),
      ...(opts.suspicionMax !== undefined ? { suspicionMaxMs: opts.suspicionMax } : {}),
    };
    const daemon = await SpeakerDaemon.start({
      node,
      namespace,
      api,
      kubeConfig: kc,
      logger,
      metrics,
      serviceFilter: {
        lbClass: opts.lbClass,
        unclassed: (opts.unclassed ?? (opts.lbClass === DEFAULT_LB_CLASS ? 'handle' : 'ignore')) === 'handle',
      },
      l2: opts.layer2 ? (interfaces ? { interfaces } : {}) : false,
      membership: {
        port: opts.memberPort,
        ...(opts.memberAddress ? { address: opts.memberAddress } : {}),
        ...(opts.memberBind ? { bindAddress: opts.memberBind } : {}),
        keySecret: { ...(keyNs ? { namespace: keyNs } : {}), name: keyName! },
        settings,
      },
      ...(bfd ? { bfd } : {}),
      quorumPolicy: opts.quorum,
      settleMs: opts.settle,
      yieldMs: opts.yield,
      statusIntervalMs: opts.statusInterval,
    });
    let server: HealthServer | undefined;
    if (opts.metricsAddr !== 'off')
      server = await startHealthServer({
        address: opts.metricsAddr,
        registry: metrics.registry,
        checks: daemon.health,
        logger,
      });
    logger.info({ event: 'speakerStarted', node, metrics: server?.address }, 'speaker running');
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ event: 'speakerStopping', signal }, 'stopping');
      void (async () => {
        await daemon.stop({ keepBgpRoutes: opts.onShutdown === 'keep-routes' });
        await bfd?.close({ adminDown: true });
        await server?.close();
        api.close();
        logger.flush?.();
        process.exit(0);
      })();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
