import { join } from 'node:path';
import type { LabProcess } from './lab-process.js';
import type { Netns } from './netns.js';
import { addDnat, type Removable } from './tools/nftables.js';

/**
 * The HTTP server the stand-in runs: answers every request with the node's name (and the
 * address the request was sent to), on one port, dual-stack. Kept as plain JavaScript so it
 * runs with the Node binary alone, inside the namespace.
 */
const serverScript = `
const http = require('node:http');
const [name, port] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  const body = req.url === '/json'
    ? JSON.stringify({ node: name, local: req.socket.localAddress, remote: req.socket.remoteAddress }) + '\\n'
    : name + '\\n';
  res.writeHead(200, { 'content-type': req.url === '/json' ? 'application/json' : 'text/plain', 'x-ironlb-node': name, connection: 'close' });
  res.end(body);
});
server.keepAliveTimeout = 0;
server.listen({ port: Number(port), host: '::', ipv6Only: false }, () => console.log('listening on ' + port));
process.on('SIGTERM', () => process.exit(0));
`;

export interface ServiceStandInOptions {
  /** The name the server answers with. Default: the namespace's short name (`node1`). */
  nodeName?: string;
  /** Service IPs this node accepts traffic for (more can be added later). */
  vips?: readonly string[];
  /** Service port. Default 80. */
  port?: number;
  /**
   * `lo` (default): each VIP is added to `lo` (as kube-proxy's IPVS mode puts it on kube-ipvs0);
   * with the node sysctls (arp_ignore=1, arp_announce=2: kube-proxy's strictARP) the kernel
   * never answers ARP for it, so only the speaker announces it. NDP is never answered for an
   * address on another interface.
   * `dnat`: no address; an nftables DNAT rewrites VIP:port to the node's own address and
   * `backendPort` (as kube-proxy's iptables/nftables modes do).
   */
  mode?: 'lo' | 'dnat';
  /** The server's port in `dnat` mode. Default 8080. */
  backendPort?: number;
  /** The node's IPv4 and IPv6 addresses, the DNAT targets in `dnat` mode. */
  nodeAddresses?: { ipv4?: string; ipv6?: string };
}

/**
 * A kube-proxy stand-in for a node namespace: makes the node accept traffic for Service IPs
 * and answers HTTP with the node's name, so a client's `curl http://VIP/` shows which node got
 * the traffic. Used by the speaker end-to-end tests and the lab.
 */
export class ServiceStandIn {
  readonly netns: Netns;
  readonly nodeName: string;
  readonly port: number;
  readonly mode: 'lo' | 'dnat';
  readonly server: LabProcess;
  readonly #options: ServiceStandInOptions;
  readonly #vips = new Map<string, Removable | undefined>();

  private constructor(netns: Netns, server: LabProcess, options: ServiceStandInOptions) {
    this.netns = netns;
    this.server = server;
    this.#options = options;
    this.nodeName = options.nodeName ?? netns.short;
    this.port = options.port ?? 80;
    this.mode = options.mode ?? 'lo';
  }

  static async start(netns: Netns, options: ServiceStandInOptions = {}): Promise<ServiceStandIn> {
    const mode = options.mode ?? 'lo';
    const listenPort = mode === 'lo' ? (options.port ?? 80) : (options.backendPort ?? 8080);
    const name = options.nodeName ?? netns.short;
    const server = await netns.spawn([process.execPath, '-e', serverScript, name, String(listenPort)], {
      name: 'service-stand-in',
      // The test runner's loaders (tsx, vitest) must not follow the server into the namespace.
      env: { NODE_OPTIONS: '' },
      logFile: join(netns.labDir, `${netns.short}-service-stand-in.log`),
    });
    await server.waitForLog(`listening on ${listenPort}`, { timeoutMs: 15_000 });
    const standIn = new ServiceStandIn(netns, server, options);
    for (const vip of options.vips ?? []) await standIn.addVip(vip);
    return standIn;
  }

  /** The VIPs currently accepted. */
  vips(): string[] {
    return [...this.#vips.keys()];
  }

  /** Accepts traffic for `vip` (idempotent). */
  async addVip(vip: string): Promise<void> {
    if (this.#vips.has(vip)) return;
    if (this.mode === 'lo') {
      const v6 = vip.includes(':');
      await this.netns.ip([
        'addr',
        'replace',
        `${vip}/${v6 ? 128 : 32}`,
        'dev',
        'lo',
        ...(v6 ? ['nodad'] : []),
      ]);
      this.#vips.set(vip, undefined);
      return;
    }
    const v6 = vip.includes(':');
    const toAddress = v6 ? this.#options.nodeAddresses?.ipv6 : this.#options.nodeAddresses?.ipv4;
    if (!toAddress)
      throw new Error(`ServiceStandIn in dnat mode needs nodeAddresses.${v6 ? 'ipv6' : 'ipv4'} for ${vip}`);
    const rule = await addDnat(this.netns, {
      vip,
      port: this.port,
      toAddress,
      toPort: this.#options.backendPort ?? 8080,
    });
    this.#vips.set(vip, rule);
  }

  /** Stops accepting traffic for `vip` (idempotent). */
  async removeVip(vip: string): Promise<void> {
    if (!this.#vips.has(vip)) return;
    const rule = this.#vips.get(vip);
    this.#vips.delete(vip);
    if (rule) await rule.remove();
    else await this.netns.exec(['ip', 'addr', 'del', `${vip}/${vip.includes(':') ? 128 : 32}`, 'dev', 'lo']);
  }

  /** Stops the server and removes the VIPs. */
  async stop(): Promise<void> {
    for (const vip of this.vips()) await this.removeVip(vip);
    await this.server.stop();
  }
}

/** Starts a kube-proxy stand-in in a node namespace (see ServiceStandIn). */
export function startServiceStandIn(
  netns: Netns,
  options: ServiceStandInOptions = {},
): Promise<ServiceStandIn> {
  return ServiceStandIn.start(netns, options);
}
