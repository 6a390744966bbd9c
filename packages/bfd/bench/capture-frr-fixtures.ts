/**
 * Captures the Control packets FRR's bfdd sends through a session's life against our speaker
 * (Down, Init, Up with Poll, Final, timer change, AdminDown) and prints one of each kind as
 * hex, for `test/fixtures/`. Run as root:
 *   node --conditions=@ironlb/source --import tsx packages/bfd/bench/capture-frr-fixtures.ts
 */
import { readFileSync } from 'node:fs';
import { createLab, requireRoot, sleep, startCapture, startFrr, waitFor } from '@ironlb/netlab';
import { toHex } from '@ironlb/wire';
import { decodeControlPacket, stateName } from '../src/index.js';
import { readPcapUdp } from '../src/testing/pcap.js';
import { SpeakerHandle } from './speaker-handle.js';

requireRoot();
const lab = await createLab({ tag: 'bfdcap' });
try {
  const sw = await lab.addSwitch();
  const router = await lab.addHost('router', { switch: sw, addresses: ['192.0.2.1/24'], role: 'router' });
  const node = await lab.addHost('node1', { switch: sw, addresses: ['192.0.2.11/24'], role: 'node' });
  const peerLine = 'peer 192.0.2.11 local-address 192.0.2.1 interface eth0';
  const frr = await startFrr(router, {
    bfddConfig: `hostname router\n!\nbfd\n ${peerLine}\n  receive-interval 100\n  transmit-interval 100\n  detect-multiplier 3\n exit\nexit\n`,
  });
  const capture = await startCapture(router, { filter: 'udp port 3784' });
  const speaker = await SpeakerHandle.start(node, {
    sessions: [
      { local: '192.0.2.11', peer: '192.0.2.1', profile: { transmitInterval: 100, receiveInterval: 100 } },
    ],
  });
  await speaker.waitFor((l) => l.event === 'sessionUp', { timeoutMs: 10_000, description: 'Up' });
  await sleep(1000);
  await frr.configure(['bfd', peerLine, 'transmit-interval 200']);
  await sleep(1000);
  await frr.configure(['bfd', peerLine, 'shutdown']);
  await waitFor(() => speaker.lines.some((l) => l.event === 'sessionDown'), {
    timeoutMs: 5000,
    description: 'Down',
  });
  await sleep(300);
  await capture.stop();
  await speaker.stop();
  const seen = new Set<string>();
  for (const d of readPcapUdp(readFileSync(capture.file))) {
    if (d.source !== '192.0.2.1') continue;
    const { packet } = decodeControlPacket(d.payload);
    const kind = `${stateName(packet.state)} P${+packet.poll} F${+packet.final} diag${packet.diagnostic} tx${packet.desiredMinTxInterval} rx${packet.requiredMinRxInterval} your${packet.yourDiscriminator === 0 ? 0 : 1}`;
    if (seen.has(kind)) continue;
    seen.add(kind);
    console.log(
      `${new Date(d.timeUs / 1000).toISOString()} ttl=${d.ttl} sport=${d.sourcePort} ${kind}\n  ${toHex(d.payload)}`,
    );
  }
} finally {
  await lab.destroy();
}
