// `ironlb controller`: the IP allocation controller. Connects with --kubeconfig, else
// $KUBECONFIG, else the in-cluster service account, else ~/.kube/config; serves /metrics,
// /healthz and /readyz; with --leader-elect, campaigns for a coordination.k8s.io Lease so that
// exactly one of several replicas allocates. SIGTERM/SIGINT release the lease and exit.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '@ironlb/config';
import {
  Controller,
  DEFAULT_LB_CLASS,
  MEMBERSHIP_SECRET,
  startMembershipSecretTask,
} from '@ironlb/controller';
import {
  AlwaysLeader,
  ApiLeaseClient,
  HttpKubeApi,
  LeaseLeaderElector,
  createRuntimeMetrics,
  loadClusterAccess,
  startHealthServer,
} from '@ironlb/kube';
import type { HealthServer, LeaderElector } from '@ironlb/kube';
import { addCommonOptions, addKubeconfigOption, type CommonOptions } from '../common-options.js';
import { createRootLogger } from '../logging.js';

interface ControllerCommandOptions extends CommonOptions {
  kubeconfig?: string;
  lbClass: string;
  unclassed?: 'handle' | 'ignore';
  leaderElect: boolean;
  leaseNamespace?: string;
  leaseName: string;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  identity?: string;
  metricsAddr: string;
  orphanedAddresses: 'keep' | 'reallocate';
  concurrency: number;
  membershipSecret: string;
}

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration such as 15s or 500ms');
  return ms;
}

/** A Go-duration flag (`15s`, `500ms`) parsed to milliseconds, its default shown as written. */
function duration(flags: string, description: string, defaultText: string): Option {
  return new Option(flags, description).argParser(durationArg).default(durationArg(defaultText), defaultText);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** The namespace of the Lease: the flag, $POD_NAMESPACE, the service account's, or ironlb-system. */
function leaseNamespace(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  if (existsSync(SA_NAMESPACE_FILE)) return readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  return 'ironlb-system';
}

export function registerControllerCommand(program: Command): void {
  const cmd = program
    .command('controller')
    .description('run the IP allocation controller (assigns pool addresses to LoadBalancer Services)');
  addKubeconfigOption(cmd);
  cmd
    .option('--lb-class <class>', 'the spec.loadBalancerClass to handle', DEFAULT_LB_CLASS)
    .addOption(
      new Option(
        '--unclassed <mode>',
        'Services without a loadBalancerClass (default: handle them with the default class, ignore them with another)',
      ).choices(['handle', 'ignore']),
    )
    .option('--leader-elect', 'campaign for a Lease; only the leader allocates (run 2+ replicas)', false)
    .option(
      '--lease-namespace <ns>',
      'namespace of the Lease (default: $POD_NAMESPACE, the service account namespace, or ironlb-system)',
    )
    .option('--lease-name <name>', 'name of the Lease', 'ironlb-controller')
    .addOption(duration('--lease-duration <duration>', 'how long a lease lasts without renewal', '15s'))
    .addOption(
      duration('--renew-deadline <duration>', 'how long a leader tries to renew before it stops', '10s'),
    )
    .addOption(duration('--retry-period <duration>', 'interval between lease attempts', '2s'))
    .option(
      '--identity <id>',
      'this replica in the Lease (default: $POD_NAME or the host name, plus a random suffix)',
    )
    .option(
      '--metrics-addr <addr>',
      'serve /metrics, /healthz and /readyz here (host:port, :port, or off)',
      ':9120',
    )
    .addOption(
      new Option(
        '--orphaned-addresses <policy>',
        'Services whose addresses no pool covers any more: keep them, or reallocate (MetalLB)',
      )
        .choices(['keep', 'reallocate'])
        .default('keep'),
    )
    .option('--concurrency <n>', 'status writes in flight at once', positiveInt, 16)
    .option(
      '--membership-secret <[namespace/]name>',
      "create this Secret (the speakers' failure detector key) when it is missing; off: never",
      MEMBERSHIP_SECRET,
    );
  addCommonOptions(cmd);
  cmd.action(async (opts: ControllerCommandOptions) => {
    const logger = createRootLogger({
      level: opts.logLevel,
      format: opts.logFormat,
      name: 'ironlb-controller',
    });
    // Read without client-node when it can be (about 60 MB less memory; see @ironlb/kube).
    const kc = loadClusterAccess(opts.kubeconfig);
    const metrics = createRuntimeMetrics();
    const api = new HttpKubeApi(kc, { metrics, userAgent: 'ironlb-controller' });
    const identity =
      opts.identity ?? `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString('hex')}`;
    const elector: LeaderElector = opts.leaderElect
      ? new LeaseLeaderElector({
          client: new ApiLeaseClient(api),
          namespace: leaseNamespace(opts.leaseNamespace),
          name: opts.leaseName,
          identity,
          leaseDurationMs: opts.leaseDuration,
          renewDeadlineMs: opts.renewDeadline,
          retryPeriodMs: opts.retryPeriod,
          logger,
          metrics,
        })
      : new AlwaysLeader(identity);
    const unclassed = opts.unclassed ?? (opts.lbClass === DEFAULT_LB_CLASS ? 'handle' : 'ignore');
    const controller = new Controller({
      api,
      kubeConfig: kc,
      logger,
      filter: { lbClass: opts.lbClass, unclassed: unclassed === 'handle' },
      orphanPolicy: opts.orphanedAddresses,
      elector,
      metrics,
      concurrency: opts.concurrency,
      instance: identity,
    });
    let server: HealthServer | undefined;
    if (opts.metricsAddr !== 'off')
      server = await startHealthServer({
        address: opts.metricsAddr,
        registry: metrics.registry,
        checks: controller.health,
        logger,
      });
    logger.info(
      {
        event: 'controllerStarting',
        identity,
        lbClass: opts.lbClass,
        unclassed,
        leaderElect: opts.leaderElect,
        orphanedAddresses: opts.orphanedAddresses,
        metricsAddr: server?.address ?? 'off',
        server: kc.getCurrentCluster()?.server,
      },
      'starting the controller',
    );
    controller.start();
    const [secretNs, secretName] = opts.membershipSecret.includes('/')
      ? opts.membershipSecret.split('/', 2)
      : [leaseNamespace(opts.leaseNamespace), opts.membershipSecret];
    const membershipSecret =
      opts.membershipSecret === 'off'
        ? undefined
        : startMembershipSecretTask({
            api,
            namespace: secretNs as string,
            name: secretName as string,
            randomBytes: (n) => randomBytes(n),
            logger,
          });
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ event: 'controllerStopping', signal }, 'stopping');
      void (async () => {
        membershipSecret?.stop();
        await controller.stop();
        await server?.close();
        api.close();
        logger.flush();
        process.exit(0);
      })();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
