// The API server (the emulator, on 127.0.0.1 of the root namespace) seen from inside the node
// namespaces: a Unix socket in the lab directory (the file system is shared, the network is
// not), served here and forwarded to the emulator, and in each node namespace a tiny forwarder
// from 127.0.0.1:6443 to that socket. The speakers' API traffic therefore never crosses the
// lab network: cutting a node's link leaves its API access alone, so failovers in the tests
// come from the failure detector, not from the API.
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { LabProcess, Netns } from '@ironlb/netlab';

/** Port of the forwarder inside each node namespace. */
export const BRIDGED_API_PORT = 6443;

const forwarderScript = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.createConnection(sock);
  c.pipe(u); u.pipe(c);
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
  c.on('close', () => u.destroy()); u.on('close', () => c.destroy());
}).listen(Number(port), '127.0.0.1', () => console.log('forwarding ' + port));
process.on('SIGTERM', () => process.exit(0));
`;

export class ApiBridge {
  readonly socketPath: string;
  readonly #server: Server;

  private constructor(socketPath: string, server: Server) {
    this.socketPath = socketPath;
    this.#server = server;
  }

  static async start(dir: string, apiPort: number): Promise<ApiBridge> {
    const socketPath = join(dir, 'api.sock');
    rmSync(socketPath, { force: true });
    const server = createServer((c) => {
      const t = createConnection(apiPort, '127.0.0.1');
      c.pipe(t);
      t.pipe(c);
      c.on('error', () => t.destroy());
      t.on('error', () => c.destroy());
      c.on('close', () => t.destroy());
      t.on('close', () => c.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
    server.unref();
    return new ApiBridge(socketPath, server);
  }

  /** Starts the forwarder in `netns`; the API is then http://127.0.0.1:6443 there. */
  async forwardInto(netns: Netns): Promise<LabProcess> {
    const proc = await netns.spawn(
      [process.execPath, '-e', forwarderScript, this.socketPath, String(BRIDGED_API_PORT)],
      {
        name: 'api-forwarder',
        env: { NODE_OPTIONS: '' },
      },
    );
    await proc.waitForLog(/forwarding/, { timeoutMs: 20_000 });
    return proc;
  }

  close(): void {
    this.#server.close();
    rmSync(this.socketPath, { force: true });
  }
}
