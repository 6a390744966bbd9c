// The local address the kernel would use to reach a peer: a connected UDP socket learns it from
// the routing table without sending anything (the same trick as `ip route get`).
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

export async function localAddressFor(peer: string): Promise<string | undefined> {
  const family = isIP(peer);
  if (family === 0) return undefined;
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, peer, () => resolve());
    });
    return socket.address().address;
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}
