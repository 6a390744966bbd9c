import { runChecked } from './command.js';
import { NetlabError, NetlabErrorCode } from './errors.js';
import { assertInterfaceName, switchPortName } from './naming.js';
import type { Netns } from './netns.js';

export interface ConnectOptions {
  /** Interface name inside the host. Default `eth0`. */
  ifname?: string;
  /** MAC address of the host's interface (`02:00:00:00:00:02`); random when omitted. */
  mac?: string;
  /** Bring the host's interface up at once. Default true. */
  up?: boolean;
}

/**
 * A namespace holding one Linux bridge (`br0`, STP off, forward delay 0, multicast snooping
 * off, so every frame floods like on a dumb switch and ports forward at once). Hosts are
 * connected with veth pairs created directly inside their namespaces (network-lab.md section 2):
 * nothing appears in the root namespace, so names never clash between runs.
 */
export class Switch {
  readonly netns: Netns;
  readonly bridge = 'br0';
  readonly #ports = new Map<string, { port: string; ifname: string }>();

  private constructor(netns: Netns) {
    this.netns = netns;
  }

  /** Creates the bridge in `netns` (called by `Lab.addSwitch`). */
  static async create(netns: Netns): Promise<Switch> {
    await netns.ipBatch([
      'link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0',
      'link set br0 up',
    ]);
    return new Switch(netns);
  }

  /** Connects `host` to the bridge; returns the switch-side port name. */
  async connect(host: Netns, options: ConnectOptions = {}): Promise<string> {
    const ifname = options.ifname ?? 'eth0';
    assertInterfaceName(ifname);
    const key = `${host.name}/${ifname}`;
    if (this.#ports.has(key)) {
      throw new NetlabError(
        NetlabErrorCode.InvalidState,
        `${key} is already connected to ${this.netns.short}`,
      );
    }
    const port = ifname === 'eth0' ? switchPortName(host.short, this.#ports.size) : `p${this.#ports.size}`;
    const link = ['ip', 'link', 'add', ifname, 'netns', host.name];
    if (options.mac) link.push('address', options.mac);
    link.push('type', 'veth', 'peer', 'name', port, 'netns', this.netns.name);
    // Run from the root namespace; both ends are created directly in their own namespaces.
    await runChecked(link, { namespace: host.name });
    this.#ports.set(key, { port, ifname });
    await this.netns.ip(['link', 'set', port, 'master', this.bridge, 'up']);
    if (options.up ?? true) await host.setLink(ifname, 'up');
    return port;
  }

  /** The switch-side port of `host`'s interface. */
  portOf(host: Netns, ifname = 'eth0'): string {
    const entry = this.#ports.get(`${host.name}/${ifname}`);
    if (!entry)
      throw new NetlabError(
        NetlabErrorCode.InvalidArgument,
        `${host.short}/${ifname} is not on ${this.netns.short}`,
      );
    return entry.port;
  }

  /**
   * Cuts (`down`) or restores (`up`) a host's cable at the switch: the host sees NO-CARRIER and
   * nothing reaches it, as when a node loses its link.
   */
  async setPortState(host: Netns, state: 'up' | 'down', ifname = 'eth0'): Promise<void> {
    await this.netns.setLink(this.portOf(host, ifname), state);
  }
}
