import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, throwIfFailed } from '../command.js';
import { NetlabError, NetlabErrorCode } from '../errors.js';
import type { LabProcess } from '../lab-process.js';
import type { Netns } from '../netns.js';
import { requireTools } from '../privileges.js';
import { abortWait, waitFor } from '../wait-for.js';
import {
  renderBfddConfig,
  renderBgpdConfig,
  renderZebraConfig,
  type AddressFamily,
  type FrrBfdProfile,
  type FrrBgpConfig,
} from './frr-config.js';
import type {
  BfdPeer,
  BgpNeighbor,
  BgpPath,
  BgpPrefixDetail,
  BgpSummary,
  BgpSummaryPeer,
  BgpTable,
  ZebraRouteTable,
} from './frr-json.js';

const frrBin = '/usr/lib/frr';

export interface FrrOptions {
  /** Typed BGP configuration (rendered to bgpd.conf). */
  bgp?: FrrBgpConfig;
  /** Raw bgpd.conf text instead of `bgp` (`log file` is up to you then). */
  bgpdConfig?: string;
  /** Start bfdd too (for `neighbor X bfd`); profiles come from `bgp.bfdProfiles`. */
  bfd?: boolean;
  /** Raw bfdd.conf text. Implies `bfd: true`. */
  bfddConfig?: string;
  /** Raw zebra.conf text. */
  zebraConfig?: string;
  hostname?: string;
  /** FRR log level for the daemons' log files. Default `informational`. */
  logLevel?: 'debugging' | 'informational' | 'notifications' | 'warnings' | 'errors';
  /** Limit for the whole start (all daemons answering vtysh). Default 15 s. */
  startTimeoutMs?: number;
  /**
   * Check each configuration with the daemon's dry run (`-C`) first and throw on any rejected
   * line. FRR itself starts anyway and only logs such lines. Default true.
   */
  validate?: boolean;
}

/**
 * An FRR router in a namespace: zebra and bgpd (and bfdd on request) started directly, in the
 * foreground as tracked lab processes, with every path (configs, pid files, zserv socket, vty
 * sockets, bfdd control socket, logs) in a private directory (network-lab.md section 3a).
 * vtysh talks to them over the unix sockets in that directory.
 */
export class FrrRouter {
  readonly netns: Netns;
  /** Private directory: `*.conf`, `*.log`, `*.vty`, `zserv.api`. */
  readonly dir: string;
  readonly zebra: LabProcess;
  readonly bgpd: LabProcess;
  readonly bfdd: LabProcess | undefined;

  private constructor(
    netns: Netns,
    dir: string,
    zebra: LabProcess,
    bgpd: LabProcess,
    bfdd: LabProcess | undefined,
  ) {
    this.netns = netns;
    this.dir = dir;
    this.zebra = zebra;
    this.bgpd = bgpd;
    this.bfdd = bfdd;
  }

  /** Writes the configuration and starts the daemons; resolves when all of them answer vtysh. */
  static async start(netns: Netns, options: FrrOptions = {}): Promise<FrrRouter> {
    const withBfd = options.bfd === true || options.bfddConfig !== undefined;
    requireTools(['zebra', 'bgpd', 'vtysh', ...(withBfd ? (['bfdd'] as const) : [])]);
    const dir = join(netns.labDir, `${netns.short}-frr`);
    const hostname = options.hostname ?? netns.short;
    const logLevel = options.logLevel ?? 'informational';
    const frr = frrUser();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chownSync(dir, frr.uid, frr.gid);
    const write = (file: string, text: string): string => {
      const path = join(dir, file);
      writeFileSync(path, text);
      chownSync(path, frr.uid, frr.gid);
      return path;
    };
    const zebraConf = write(
      'zebra.conf',
      options.zebraConfig ?? renderZebraConfig({ hostname, logFile: join(dir, 'zebra.log'), logLevel }),
    );
    const bgpdConf = write(
      'bgpd.conf',
      options.bgpdConfig ??
        (options.bgp
          ? renderBgpdConfig(options.bgp, { hostname, logFile: join(dir, 'bgpd.log'), logLevel })
          : renderZebraConfig({ hostname, logFile: join(dir, 'bgpd.log'), logLevel })),
    );
    const bfddConf = withBfd
      ? write(
          'bfdd.conf',
          options.bfddConfig ??
            renderBfddConfig({
              hostname,
              logFile: join(dir, 'bfdd.log'),
              logLevel,
              profiles: options.bgp?.bfdProfiles as FrrBfdProfile[] | undefined,
            }),
        )
      : undefined;
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    if (options.validate ?? true) {
      const checks = await Promise.all([
        checkFrrConfig('zebra', zebraConf, dir),
        checkFrrConfig('bgpd', bgpdConf, dir),
        ...(bfddConf ? [checkFrrConfig('bfdd', bfddConf, dir)] : []),
      ]);
      const problems = checks.flat();
      if (problems.length > 0) {
        throw new NetlabError(
          NetlabErrorCode.InvalidArgument,
          `FRR rejects the configuration for ${netns.name}:\n${problems.join('\n')}`,
        );
      }
    }
    const common = (daemon: string, conf: string): string[] => [
      `${frrBin}/${daemon}`,
      '-P',
      '0',
      '-f',
      conf,
      '-i',
      join(dir, `${daemon}.pid`),
      '-z',
      join(dir, 'zserv.api'),
      '--vty_socket',
      dir,
    ];
    const spawnDaemon = (daemon: string, argv: string[]): Promise<LabProcess> =>
      netns.spawn(argv, { name: `frr-${daemon}`, logFile: join(dir, `${daemon}.out`) });

    const zebra = await spawnDaemon('zebra', common('zebra', zebraConf));
    await waitFor(
      () => {
        if (!zebra.alive()) throw abortWait(zebra.exitedError());
        return existsSync(join(dir, 'zserv.api')) && existsSync(join(dir, 'zebra.vty'));
      },
      { timeoutMs, intervalMs: 10, description: `zebra in ${netns.name} to open its sockets` },
    );
    const bfdd = bfddConf
      ? await spawnDaemon('bfdd', [...common('bfdd', bfddConf), '--bfdctl', join(dir, 'bfdd.sock')])
      : undefined;
    const bgpd = await spawnDaemon('bgpd', common('bgpd', bgpdConf));
    const router = new FrrRouter(netns, dir, zebra, bgpd, bfdd);
    for (const [daemon, proc] of [
      ['zebra', zebra],
      ['bgpd', bgpd],
      ...(bfdd ? [['bfdd', bfdd] as const] : []),
    ] as const) {
      await waitFor(
        async () => {
          if (!proc.alive()) throw abortWait(proc.exitedError());
          const result = await runCommand(router.vtyshArgv(['show version'], daemon), { timeoutMs: 5000 });
          return result.code === 0;
        },
        { timeoutMs, intervalMs: 15, description: `FRR ${daemon} in ${netns.name} to answer vtysh` },
      );
    }
    return router;
  }

  /** The vtysh command line for `commands` (optionally to one daemon only). */
  vtyshArgv(commands: readonly string[], daemon?: string): string[] {
    return [
      'vtysh',
      '--vty_socket',
      this.dir,
      ...(daemon ? ['-d', daemon] : []),
      ...commands.flatMap((command) => ['-c', command]),
    ];
  }

  /** Runs vtysh commands and returns the output; throws when vtysh fails or reports an error. */
  async vtysh(...commands: string[]): Promise<string> {
    const argv = this.vtyshArgv(commands);
    const result = await runCommand(argv, { timeoutMs: 15_000 });
    throwIfFailed(argv, result, { namespace: this.netns.name, timeoutMs: 15_000 });
    return result.stdout;
  }

  /** Runs one `... json` command and parses its output. */
  async vtyshJson<T>(command: string): Promise<T> {
    const text = await this.vtysh(command.endsWith(' json') ? command : `${command} json`);
    try {
      return (text.trim() ? JSON.parse(text) : {}) as T;
    } catch (err) {
      throw new NetlabError(
        NetlabErrorCode.ParseError,
        `vtysh \`${command}\` did not return JSON: ${text.slice(0, 300)}`,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * Applies configuration lines at run time (`configure terminal` then each line, in order,
   * with the usual context commands such as `router bgp 64512`). Throws on any `%` error line.
   */
  async configure(lines: readonly string[]): Promise<void> {
    const output = await this.vtysh('configure terminal', ...lines);
    const errors = output.split('\n').filter((line) => line.startsWith('%'));
    if (errors.length > 0) {
      throw new NetlabError(
        NetlabErrorCode.CommandFailed,
        `FRR rejected configuration: ${errors.join('; ')}`,
      );
    }
  }

  /** `show running-config`. */
  runningConfig(): Promise<string> {
    return this.vtysh('show running-config');
  }

  /** `show bgp summary json` (may be `{}` when no peer exists). */
  bgpSummary(): Promise<BgpSummary> {
    return this.vtyshJson<BgpSummary>('show bgp summary json');
  }

  /** Peers of one family from the summary, by address (empty when none). */
  async bgpPeers(family: AddressFamily = 'ipv4'): Promise<Record<string, BgpSummaryPeer>> {
    const summary = await this.bgpSummary();
    return (family === 'ipv4' ? summary.ipv4Unicast : summary.ipv6Unicast)?.peers ?? {};
  }

  /** The routes of one family's BGP table: prefix -> paths. */
  async bgpRoutes(family: AddressFamily = 'ipv4'): Promise<Record<string, BgpPath[]>> {
    const table = await this.vtyshJson<BgpTable>(`show bgp ${family} unicast json`);
    return table.routes ?? {};
  }

  /** The detail of one prefix (communities, local preference, ...), or undefined. */
  async bgpRoute(prefix: string): Promise<BgpPrefixDetail | undefined> {
    const family = prefix.includes(':') ? 'ipv6' : 'ipv4';
    const detail = await this.vtyshJson<BgpPrefixDetail>(`show bgp ${family} unicast ${prefix} json`);
    return detail.paths && detail.paths.length > 0 ? detail : undefined;
  }

  /** zebra's routing table (`show ip route json` / `show ipv6 route json`), optionally one prefix. */
  ipRoutes(family: AddressFamily = 'ipv4', prefix?: string): Promise<ZebraRouteTable> {
    const ip = family === 'ipv4' ? 'ip' : 'ipv6';
    return this.vtyshJson<ZebraRouteTable>(`show ${ip} route${prefix ? ` ${prefix}` : ''} json`);
  }

  /** `show bgp neighbors [address] json`: address -> neighbour. */
  bgpNeighbors(address?: string): Promise<Record<string, BgpNeighbor>> {
    return this.vtyshJson<Record<string, BgpNeighbor>>(
      `show bgp neighbors${address ? ` ${address}` : ''} json`,
    );
  }

  /** `show bfd peers json` (needs bfdd). */
  async bfdPeers(): Promise<BfdPeer[]> {
    const peers = await this.vtyshJson<BfdPeer[] | Record<string, never>>('show bfd peers json');
    return Array.isArray(peers) ? peers : [];
  }

  /** Waits until the BGP session with `address` is in `state` (default Established). */
  async waitForPeerState(
    address: string,
    options: { state?: string; family?: AddressFamily; timeoutMs?: number } = {},
  ): Promise<BgpSummaryPeer> {
    const state = options.state ?? 'Established';
    return waitFor(
      async () => {
        const peer = (await this.bgpPeers(options.family ?? (address.includes(':') ? 'ipv6' : 'ipv4')))[
          address
        ];
        return peer?.state === state ? peer : undefined;
      },
      {
        timeoutMs: options.timeoutMs ?? 15_000,
        intervalMs: 100,
        description: `FRR peer ${address} to be ${state}`,
      },
    );
  }

  /** The bgpd log (FRR's own log file). */
  bgpdLog(): string {
    try {
      return readFileSync(join(this.dir, 'bgpd.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the daemons (SIGTERM, SIGKILL after a grace period). */
  async stop(): Promise<void> {
    await this.bgpd.stop();
    await this.bfdd?.stop();
    await this.zebra.stop();
  }
}

/** Starts FRR in `netns` (see FrrRouter). */
export function startFrr(netns: Netns, options: FrrOptions = {}): Promise<FrrRouter> {
  return FrrRouter.start(netns, options);
}

/**
 * Runs a daemon's dry run (`-C`) on `configFile` and returns the lines it rejected. The dry run
 * exits 0 even then; rejected lines are logged as `... on config line N: <line>` or `% ...`.
 */
export async function checkFrrConfig(
  daemon: 'zebra' | 'bgpd' | 'bfdd',
  configFile: string,
  dir: string,
): Promise<string[]> {
  const argv = [
    `${frrBin}/${daemon}`,
    '-C',
    '-f',
    configFile,
    '-i',
    join(dir, `${daemon}-check.pid`),
    '-z',
    join(dir, 'zserv-check.api'),
    '--vty_socket',
    join(dir, 'check'),
    ...(daemon === 'bfdd' ? ['--bfdctl', join(dir, 'bfdd-check.sock')] : []),
  ];
  mkdirSync(join(dir, 'check'), { recursive: true });
  const frr = frrUser();
  chownSync(join(dir, 'check'), frr.uid, frr.gid);
  const result = await runCommand(argv, { timeoutMs: 15_000 });
  const lines = `${result.stdout}\n${result.stderr}`.split('\n');
  const problems = lines.filter((line) => /on config line \d+/.test(line) || line.startsWith('% '));
  if (result.code !== 0 && problems.length === 0)
    problems.push(`${daemon} -C exited with ${result.code}: ${result.stderr.trim()}`);
  return problems.map((line) => `${daemon}: ${line.replace(/^.*?\[EC \d+\] /, '')}`);
}

function frrUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('frr:'));
  const fields = line?.split(':');
  if (!fields || fields.length < 4) {
    throw new NetlabError(
      NetlabErrorCode.MissingTool,
      'user frr does not exist: is the Debian package frr installed?',
    );
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
