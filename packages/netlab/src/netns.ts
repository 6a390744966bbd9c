import { runCommand, throwIfFailed, type CommandOptions, type CommandResult } from './command.js';
import { parseKernelRoutes, sameDestination, type KernelRoute } from './kernel-routes.js';
import type { LabProcess, SpawnOptions } from './lab-process.js';
import type { SysctlMap } from './sysctl-profiles.js';

/** What a namespace needs from the lab that owns it. */
export interface NetnsOwner {
  readonly dir: string;
  spawnIn(netns: Netns, argv: readonly string[], options?: SpawnOptions): Promise<LabProcess>;
  assertUsable(): void;
}

export interface RouteSpec {
  /** `198.51.100.0/24`, `2001:db8:100::/64`, `default`. */
  dst: string;
  via?: string;
  dev?: string;
  table?: number;
  metric?: number;
  /** Route type other than unicast: `unreachable`, `blackhole`, `local`. */
  type?: 'unreachable' | 'blackhole' | 'local' | 'prohibit';
  src?: string;
}

/** An interface as `ip -j addr show` reports it (the fields netlab uses). */
export interface InterfaceInfo {
  ifname: string;
  address?: string;
  operstate?: string;
  flags?: string[];
  mtu?: number;
  addr_info?: {
    family: 'inet' | 'inet6';
    local: string;
    prefixlen: number;
    scope?: string;
    flags?: string[];
  }[];
}

/** A neighbour table entry from `ip -j neigh show`. */
export interface NeighborEntry {
  dst: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
  router?: boolean;
  proxy?: boolean;
}

/**
 * A network namespace owned by a lab: `<lab name>-<short>`. Every command runs with a time
 * limit; `exec` returns non-zero exits as values, `run` throws them.
 */
export class Netns {
  /** The full namespace name, as `ip netns list` shows it. */
  readonly name: string;
  /** The name inside the lab (`router`, `node1`, `sw`). */
  readonly short: string;
  readonly #owner: NetnsOwner;

  constructor(owner: NetnsOwner, name: string, short: string) {
    this.#owner = owner;
    this.name = name;
    this.short = short;
  }

  /** The lab's private directory (logs, configs, captures go under it). */
  get labDir(): string {
    return this.#owner.dir;
  }

  /** Runs `argv` inside the namespace and returns its output and exit code (non-zero is a value). */
  exec(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    this.#owner.assertUsable();
    return runCommand(['ip', 'netns', 'exec', this.name, ...argv], options);
  }

  /** Runs `argv` inside the namespace and returns stdout; throws on a non-zero exit or time-out. */
  async run(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
    const result = await this.exec(argv, options);
    throwIfFailed(argv, result, { namespace: this.name, timeoutMs: options.timeoutMs });
    return result.stdout;
  }

  /** `ip -n <ns> <args>`; throws on failure. */
  async ip(args: readonly string[], options: CommandOptions = {}): Promise<string> {
    this.#owner.assertUsable();
    const argv = ['ip', '-n', this.name, ...args];
    const result = await runCommand(argv, options);
    throwIfFailed(argv, result, { namespace: this.name, timeoutMs: options.timeoutMs });
    return result.stdout;
  }

  /** `ip -n <ns> -batch -`: many ip commands in one process (one per line). */
  async ipBatch(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await this.ip(['-batch', '-'], { input: `${lines.join('\n')}\n` });
  }

  /**
   * Starts a long-running process inside the namespace; the lab tracks it and kills it on
   * destroy. Output goes to a log file in the lab directory.
   */
  spawn(argv: readonly string[], options: SpawnOptions = {}): Promise<LabProcess> {
    return this.#owner.spawnIn(this, argv, options);
  }

  /** Sets sysctls inside the namespace (`sysctl -qw k=v ...`). */
  async setSysctls(values: SysctlMap): Promise<void> {
    const pairs = Object.entries(values).map(([key, value]) => `${key}=${value}`);
    if (pairs.length === 0) return;
    await this.run(['sysctl', '-qw', ...pairs]);
  }

  /** Reads one sysctl inside the namespace. */
  async getSysctl(key: string): Promise<string> {
    return (await this.run(['sysctl', '-n', key])).trim();
  }

  /** Adds an address (`192.0.2.11/24`, `2001:db8::11/64`); IPv6 ones get `nodad`. */
  async addAddress(cidr: string, options: { dev?: string } = {}): Promise<void> {
    const dev = options.dev ?? 'eth0';
    await this.ip(['addr', 'add', cidr, 'dev', dev, ...(cidr.includes(':') ? ['nodad'] : [])]);
  }

  async deleteAddress(cidr: string, options: { dev?: string } = {}): Promise<void> {
    await this.ip(['addr', 'del', cidr, 'dev', options.dev ?? 'eth0']);
  }

  /** Adds or replaces a route (`ip route replace`, so it is idempotent). */
  async addRoute(route: RouteSpec): Promise<void> {
    await this.ip([...familyFlag(route), 'route', 'replace', ...routeArgs(route)]);
  }

  async deleteRoute(route: RouteSpec): Promise<void> {
    await this.ip([...familyFlag(route), 'route', 'del', ...routeArgs(route)]);
  }

  /** Sets a link up or down: `setLink('eth0', 'down')` is a node losing its link. */
  async setLink(ifname: string, state: 'up' | 'down'): Promise<void> {
    await this.ip(['link', 'set', ifname, state]);
  }

  /** The kernel's routes (`ip -j route show`), optionally for one family, table or prefix. */
  async routes(
    options: { family?: 4 | 6; table?: number | 'all'; dst?: string } = {},
  ): Promise<KernelRoute[]> {
    const family = options.family ?? (options.dst?.includes(':') ? 6 : undefined);
    const args = ['-j', ...(family ? [`-${family}`] : []), 'route', 'show'];
    if (options.table !== undefined) args.push('table', String(options.table));
    if (options.dst !== undefined) args.push('exact', options.dst);
    return parseKernelRoutes(await this.ip(args));
  }

  /** The kernel route for exactly `prefix` in the main table, or undefined. */
  async route(prefix: string): Promise<KernelRoute | undefined> {
    const routes = await this.routes({ dst: prefix });
    return routes.find((route) => sameDestination(route.dst, prefix));
  }

  /** Interfaces with their addresses (`ip -j addr show`). */
  async interfaces(): Promise<InterfaceInfo[]> {
    const out = await this.ip(['-j', 'addr', 'show']);
    return out.trim() ? (JSON.parse(out) as InterfaceInfo[]) : [];
  }

  /** One interface (`ip -j addr show dev X`), or undefined. */
  async interface(ifname: string): Promise<InterfaceInfo | undefined> {
    return (await this.interfaces()).find((info) => info.ifname === ifname);
  }

  /** The neighbour table (`ip -j neigh show`), both families. */
  async neighbors(options: { dev?: string } = {}): Promise<NeighborEntry[]> {
    const out = await this.ip(['-j', 'neigh', 'show', ...(options.dev ? ['dev', options.dev] : [])]);
    return out.trim() ? (JSON.parse(out) as NeighborEntry[]) : [];
  }

  /** The neighbour entry for `ip`, or undefined. */
  async neighbor(ip: string): Promise<NeighborEntry | undefined> {
    return (await this.neighbors()).find((entry) => entry.dst.toLowerCase() === ip.toLowerCase());
  }

  /** Removes every neighbour entry on `dev` (`ip neigh flush dev`). */
  async flushNeighbors(dev = 'eth0'): Promise<void> {
    await this.ip(['neigh', 'flush', 'dev', dev]);
  }
}

function familyFlag(route: RouteSpec): string[] {
  return route.dst.includes(':') || route.via?.includes(':') ? ['-6'] : [];
}

function routeArgs(route: RouteSpec): string[] {
  const args: string[] = [];
  if (route.type) args.push(route.type);
  args.push(route.dst);
  if (route.via) args.push('via', route.via);
  if (route.dev) args.push('dev', route.dev);
  if (route.src) args.push('src', route.src);
  if (route.metric !== undefined) args.push('metric', String(route.metric));
  if (route.table !== undefined) args.push('table', String(route.table));
  return args;
}
