import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command.js';
import { NetlabError, NetlabErrorCode } from './errors.js';
import { registerForExitCleanup, unregisterForExitCleanup } from './exit-hooks.js';
import { LabProcess, type SpawnOptions } from './lab-process.js';
import {
  defaultStateDir,
  destroyRecordedLab,
  isOwnerAlive,
  killGroupOrPid,
  namespacePidsSync,
  readLabState,
  stateFilePath,
  sweepStaleLabs,
  teardownRecordSync,
  writeLabState,
  type LabStateRecord,
  type TeardownReport,
} from './lab-state.js';
import { silentLogger, type NetlabLogger } from './logger.js';
import { assertLabName, assertShortName, assertTag, uniqueLabName } from './naming.js';
import { Netns, type RouteSpec } from './netns.js';
import { requireRoot } from './privileges.js';
import { isProcessAlive, readProcStat } from './proc-stat.js';
import { Switch, type ConnectOptions } from './switch.js';
import {
  namespaceSysctls,
  roleInterfaceSysctls,
  roleSysctls,
  type HostRole,
  type SysctlMap,
} from './sysctl-profiles.js';
import { sleep } from './wait-for.js';

/** Default parent of every lab's private directory. */
export const defaultBaseDir = '/tmp/ironlb-netlab';

export interface LabOptions {
  /** A short word naming the user (`bgp`, `l2`, `bfd`, `lab`): the lab is `ilb-<tag>-<hex>`. */
  tag: string;
  /** A fixed name instead of a random one (must start with `ilb-`); for the lab's own CLI. */
  name?: string;
  /** Parent of the lab's private directory. Default /tmp/ironlb-netlab. */
  baseDir?: string;
  /** Where the state file goes. Default /run/ironlb-netlab. */
  stateDir?: string;
  /**
   * The lab outlives this process (for `ironlb lab up`): no exit hooks, and `sweepStaleLabs`
   * leaves it alone. Tear it down with `destroyRecordedLab(name)`. Default false.
   */
  persistent?: boolean;
  /** Keep the private directory (logs, configs, pcaps) on destroy. Default: IRONLB_NETLAB_KEEP=1. */
  keepFiles?: boolean;
  /**
   * First remove what crashed earlier runs with the same tag left behind (their owner process
   * is gone; persistent labs are kept): `sweepStaleLabs({ tag })`. Default true.
   */
  sweep?: boolean;
  /**
   * With a fixed `name`: if a lab of that name is recorded (a crashed or still running earlier
   * `up`), tear it down first instead of failing on "File exists". Default false.
   */
  replaceExisting?: boolean;
  logger?: NetlabLogger;
}

export interface HostOptions {
  /** Connect the host to this switch. */
  switch?: Switch;
  /** Options for the connection (interface name, MAC). */
  link?: ConnectOptions;
  /** Addresses on the interface: `192.0.2.11/24`, `2001:db8::11/64` (IPv6 ones with nodad). */
  addresses?: readonly string[];
  /** Routes added after the addresses. */
  routes?: readonly RouteSpec[];
  /** Sysctl profile: `node`, `router`, `client` or `plain` (default). */
  role?: HostRole;
  /** Extra sysctls, set after the role's (before the link exists). */
  sysctls?: SysctlMap;
}

/**
 * Owns everything one test run (or one lab) creates: namespaces, processes, a private
 * directory and a state file. `destroy()` removes all of it and nothing else; it is idempotent
 * and safe in `afterAll`. If the process exits or is interrupted first, an exit hook tears the
 * lab down synchronously; if the process is killed, `sweepStaleLabs()` in a later run does.
 */
export class Lab {
  readonly name: string;
  readonly tag: string;
  /** Private directory: configs, logs, sockets, pcaps. */
  readonly dir: string;
  readonly stateFile: string;
  readonly logger: NetlabLogger;
  readonly #record: LabStateRecord;
  readonly #namespaces = new Map<string, Netns>();
  readonly #processes: LabProcess[] = [];
  readonly #cleanups: (() => Promise<void> | void)[] = [];
  #destroying: Promise<TeardownReport> | undefined;

  private constructor(
    options: LabOptions,
    name: string,
    dir: string,
    stateFile: string,
    record?: LabStateRecord,
  ) {
    this.name = name;
    this.tag = options.tag;
    this.dir = dir;
    this.stateFile = stateFile;
    this.logger = options.logger ?? silentLogger;
    const owner = readProcStat(process.pid);
    this.#record = record ?? {
      version: 1,
      name,
      tag: options.tag,
      owner: { pid: process.pid, startTime: owner?.startTime ?? 0 },
      persistent: options.persistent ?? false,
      createdAt: new Date().toISOString(),
      dir,
      keepFiles: options.keepFiles ?? process.env['IRONLB_NETLAB_KEEP'] === '1',
      namespaces: [],
      processes: [],
    };
  }

  /** Creates a lab: checks privileges, makes its directory and writes its state file. */
  static async create(options: LabOptions): Promise<Lab> {
    requireRoot();
    assertTag(options.tag);
    const name = options.name ?? uniqueLabName(options.tag);
    assertLabName(name);
    const stateDir = options.stateDir ?? defaultStateDir;
    if (options.sweep ?? true) {
      for (const swept of sweepStaleLabs({ stateDir, tag: options.tag })) {
        options.logger?.info(
          { event: 'staleLabSwept', lab: swept.name, namespaces: swept.namespacesRemoved },
          'removed what a crashed run left',
        );
      }
    }
    if (options.replaceExisting) destroyRecordedLab(name, { stateDir });
    const baseDir = options.baseDir ?? defaultBaseDir;
    mkdirSync(baseDir, { recursive: true });
    // Daemons that drop privileges (FRR runs as user frr) must traverse these directories.
    chmodSync(baseDir, 0o755);
    const dir = join(baseDir, name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const lab = new Lab(options, name, dir, stateFilePath(stateDir, name));
    lab.#save();
    if (!lab.#record.persistent) registerForExitCleanup(lab);
    lab.logger.info({ event: 'labCreated', lab: name, dir }, 'netlab lab created');
    return lab;
  }

  /**
   * Re-opens a lab recorded in its state file, typically a persistent lab built by an earlier
   * process (`ironlb lab up`), to run commands in its namespaces, start more processes (they are
   * added to the same record) or destroy it. Processes started by the earlier process are not
   * `LabProcess` objects here, but `destroy()` still stops them (by recorded PID and start time)
   * along with everything inside the namespaces. Throws when no such lab is recorded.
   */
  static attach(name: string, options: { stateDir?: string; logger?: NetlabLogger } = {}): Lab {
    requireRoot();
    assertLabName(name);
    const stateFile = stateFilePath(options.stateDir ?? defaultStateDir, name);
    if (!existsSync(stateFile)) {
      throw new NetlabError(
        NetlabErrorCode.InvalidArgument,
        `no lab named ${name} is recorded (${stateFile})`,
      );
    }
    const record = readLabState(stateFile);
    const lab = new Lab(
      { tag: record.tag, persistent: record.persistent, keepFiles: record.keepFiles, logger: options.logger },
      name,
      record.dir,
      stateFile,
      record,
    );
    for (const ns of record.namespaces) {
      const short = ns.slice(name.length + 1);
      lab.#namespaces.set(short, new Netns(lab, ns, short));
    }
    if (!record.persistent && !isOwnerAlive(record)) registerForExitCleanup(lab);
    return lab;
  }

  /** Whether `destroy()` has been called. */
  get destroyed(): boolean {
    return this.#destroying !== undefined;
  }

  /** Throws when the lab has been destroyed. */
  assertUsable(): void {
    if (this.#destroying)
      throw new NetlabError(NetlabErrorCode.InvalidState, `lab ${this.name} is destroyed`);
  }

  /** The namespaces created so far, by short name. */
  namespaces(): Netns[] {
    return [...this.#namespaces.values()];
  }

  /** A namespace of this lab by short name. */
  get(short: string): Netns {
    const ns = this.#namespaces.get(short);
    if (!ns)
      throw new NetlabError(NetlabErrorCode.InvalidArgument, `lab ${this.name} has no namespace ${short}`);
    return ns;
  }

  /** The processes started so far (running or not). */
  processes(): LabProcess[] {
    return [...this.#processes];
  }

  /**
   * Creates namespace `<lab>-<short>` with `lo` up and IPv6 DAD off (before any link exists).
   * The name is recorded in the state file before the namespace is created.
   */
  async addNamespace(short: string, options: { sysctls?: SysctlMap } = {}): Promise<Netns> {
    this.assertUsable();
    assertShortName(short);
    if (this.#namespaces.has(short)) {
      throw new NetlabError(
        NetlabErrorCode.InvalidState,
        `namespace ${short} already exists in ${this.name}`,
      );
    }
    const name = `${this.name}-${short}`;
    this.#record.namespaces.push(name);
    this.#save();
    const ns = new Netns(this, name, short);
    this.#namespaces.set(short, ns);
    const added = await runCommand(['ip', 'netns', 'add', name]);
    if (added.code !== 0) {
      // Not created by us (it may already exist, left by someone else): forget the name so that
      // destroy() never deletes a namespace this lab did not create.
      this.#record.namespaces = this.#record.namespaces.filter((recorded) => recorded !== name);
      this.#namespaces.delete(short);
      this.#save();
      throw new NetlabError(
        NetlabErrorCode.CommandFailed,
        `ip netns add ${name} failed: ${added.stderr.trim()}`,
      );
    }
    await ns.setSysctls({ ...namespaceSysctls, ...options.sysctls });
    await ns.setLink('lo', 'up');
    this.logger.debug({ event: 'namespaceCreated', lab: this.name, netns: name }, 'namespace created');
    return ns;
  }

  /** Creates a switch: a namespace with bridge `br0` (STP off, multicast snooping off). */
  async addSwitch(short = 'sw'): Promise<Switch> {
    return Switch.create(await this.addNamespace(short));
  }

  /**
   * Creates a host namespace with its role's sysctls, connects it to `options.switch` (veth
   * `eth0` with the given MAC), adds addresses and routes.
   */
  async addHost(short: string, options: HostOptions = {}): Promise<Netns> {
    const role = options.role ?? 'plain';
    const ns = await this.addNamespace(short, { sysctls: { ...roleSysctls(role), ...options.sysctls } });
    if (options.switch) {
      const ifname = options.link?.ifname ?? 'eth0';
      await options.switch.connect(ns, { ...options.link, up: false });
      await ns.setSysctls(roleInterfaceSysctls(role, ifname));
      const lines = (options.addresses ?? []).map(
        (cidr) => `addr add ${cidr} dev ${ifname}${cidr.includes(':') ? ' nodad' : ''}`,
      );
      await ns.ipBatch([...lines, `link set ${ifname} up`]);
    }
    for (const route of options.routes ?? []) await ns.addRoute(route);
    return ns;
  }

  /** Starts a tracked process in `netns` (or in the root namespace when netns is undefined). */
  async spawnIn(
    netns: Netns | undefined,
    argv: readonly string[],
    options: SpawnOptions = {},
  ): Promise<LabProcess> {
    this.assertUsable();
    const base = options.name ?? argv[0]?.split('/').pop() ?? 'process';
    const logFile = options.logFile ?? join(this.dir, `${netns ? `${netns.short}-` : ''}${base}.log`);
    const proc = await LabProcess.start(argv, { ...options, netns: netns?.name, logFile });
    this.#processes.push(proc);
    this.#record.processes.push(proc.record());
    this.#save();
    this.logger.debug(
      { event: 'processStarted', lab: this.name, netns: netns?.name, pid: proc.pid, name: proc.name },
      'process started',
    );
    return proc;
  }

  /** Registers a clean-up step run first by `destroy()` (in reverse order of registration). */
  onDestroy(cleanup: () => Promise<void> | void): void {
    this.#cleanups.push(cleanup);
  }

  /**
   * Removes everything this lab created: runs the clean-up steps, stops its processes (SIGTERM,
   * then SIGKILL after `graceMs`, default 1 s), kills whatever still runs inside its namespaces,
   * deletes the namespaces, the state file and (unless kept) the directory. Idempotent: later
   * calls return the first call's report.
   */
  destroy(options: { graceMs?: number } = {}): Promise<TeardownReport> {
    this.#destroying ??= this.#destroy(options.graceMs ?? 1000);
    return this.#destroying;
  }

  async #destroy(graceMs: number): Promise<TeardownReport> {
    const report: TeardownReport = { name: this.name, namespacesRemoved: [], processesKilled: 0, errors: [] };
    for (const cleanup of [...this.#cleanups].reverse()) {
      try {
        await cleanup();
      } catch (err) {
        report.errors.push(`clean-up step: ${(err as Error).message}`);
      }
    }
    const running = this.#processes.filter((proc) => proc.alive());
    for (const proc of running) proc.kill('SIGTERM');
    await Promise.all(running.map((proc) => proc.settle(graceMs)));
    for (const proc of running) if (proc.kill('SIGKILL')) report.processesKilled++;
    await Promise.all(running.map((proc) => proc.settle(3000)));
    // Processes recorded by another process (an attached lab): same PID and start time only.
    const tracked = new Set(this.#processes.map((proc) => proc.pid));
    for (const rec of this.#record.processes) {
      if (tracked.has(rec.pid) || !isProcessAlive(rec.pid, rec.startTime || undefined)) continue;
      if (killGroupOrPid(rec.pid, 'SIGKILL')) report.processesKilled++;
    }
    for (const ns of this.#namespaces.values()) {
      for (const pid of namespacePidsSync(ns.name)) {
        try {
          process.kill(pid, 'SIGKILL');
          report.processesKilled++;
        } catch {
          // Already gone.
        }
      }
    }
    await Promise.all(
      [...this.#namespaces.values()].map(async (ns) => {
        const result = await runCommand(['ip', 'netns', 'del', ns.name]);
        if (result.code === 0) report.namespacesRemoved.push(ns.name);
        else if (!/No such file/.test(result.stderr))
          report.errors.push(`ip netns del ${ns.name}: ${result.stderr.trim()}`);
      }),
    );
    // Give the kernel a moment to reap processes killed above (they hold their namespace).
    for (let i = 0; i < 50 && this.#processes.some((proc) => proc.alive()); i++) await sleep(20);
    rmSync(this.stateFile, { force: true });
    if (!this.#record.keepFiles) rmSync(this.dir, { recursive: true, force: true });
    unregisterForExitCleanup(this);
    this.logger.info(
      {
        event: 'labDestroyed',
        lab: this.name,
        namespaces: report.namespacesRemoved.length,
        errors: report.errors,
      },
      'netlab lab destroyed',
    );
    return report;
  }

  /**
   * Synchronous teardown with SIGKILL, for `process.on('exit')` and signal handlers (installed
   * automatically for non-persistent labs). Skips the asynchronous clean-up steps.
   */
  destroySync(): TeardownReport {
    const report = teardownRecordSync(this.#record);
    this.#destroying ??= Promise.resolve(report);
    rmSync(this.stateFile, { force: true });
    unregisterForExitCleanup(this);
    return report;
  }

  #save(): void {
    writeLabState(this.stateFile, this.#record);
  }
}

/** Creates a lab (see `Lab`). */
export function createLab(options: LabOptions): Promise<Lab> {
  return Lab.create(options);
}

/** Re-opens a recorded lab by name (see `Lab.attach`). */
export function attachLab(name: string, options: { stateDir?: string; logger?: NetlabLogger } = {}): Lab {
  return Lab.attach(name, options);
}
