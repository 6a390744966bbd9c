// How processes inside the lab's namespaces reach the API server emulator, which listens on
// 127.0.0.1 in the root namespace (where kubectl runs), without giving the root namespace an
// interface on the lab network: a relay in the root namespace accepts connections on a unix
// socket in the lab directory (unix sockets on the filesystem are not tied to a network
// namespace) and forwards them to 127.0.0.1:<port>; in each node namespace a relay listens on
// 127.0.0.1:<same port> and forwards to that socket. Kubeconfigs are then the same everywhere
// (https://127.0.0.1:<port>, whose address the emulator's certificate names).
//
// Plain JavaScript run with `node -e`: it needs nothing but the Node binary, starts in
// milliseconds, and does not load the lab's TypeScript (or a test runner's loaders).
import { join } from 'node:path';
import type { Lab, LabProcess, Netns } from '@ironlb/netlab';

export const relayScript = `
const net = require('node:net');
const fs = require('node:fs');
const [mode, listen, target] = process.argv.slice(1);
const connect = () => (mode === 'unix-to-tcp'
  ? net.connect({ host: '127.0.0.1', port: Number(target) })
  : net.connect({ path: target }));
const server = net.createServer((client) => {
  const upstream = connect();
  client.pipe(upstream).pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
});
if (mode === 'unix-to-tcp') {
  try { fs.unlinkSync(listen); } catch {}
  server.listen(listen, () => { fs.chmodSync(listen, 0o600); console.log('relay listening on ' + listen); });
} else {
  server.listen({ host: '127.0.0.1', port: Number(listen) }, () => console.log('relay listening on ' + listen));
}
process.on('SIGTERM', () => process.exit(0));
`;

/** Starts the root-namespace end: unix socket -> 127.0.0.1:port. */
export async function startRootRelay(
  lab: Lab,
  options: { socket: string; port: number; logFile: string },
): Promise<LabProcess> {
  const proc = await lab.spawnIn(
    undefined,
    [process.execPath, '-e', relayScript, 'unix-to-tcp', options.socket, String(options.port)],
    { name: 'api-relay', logFile: options.logFile, env: { NODE_OPTIONS: '' } },
  );
  await proc.waitForLog('relay listening', { timeoutMs: 15_000 });
  return proc;
}

/** Starts a namespace end: 127.0.0.1:port inside `netns` -> the unix socket. */
export async function startNamespaceRelay(
  netns: Netns,
  options: { socket: string; port: number; logDir: string },
): Promise<LabProcess> {
  const proc = await netns.spawn(
    [process.execPath, '-e', relayScript, 'tcp-to-unix', String(options.port), options.socket],
    {
      name: 'api-relay',
      logFile: join(options.logDir, `${netns.short}-api-relay.log`),
      env: { NODE_OPTIONS: '' },
    },
  );
  await proc.waitForLog('relay listening', { timeoutMs: 15_000 });
  return proc;
}
