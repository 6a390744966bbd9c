// Records real BGP messages from FRR and BIRD into test/fixtures/*.hex (see PROVENANCE.md).
// Not part of the test suite: run it by hand (root) when a fixture needs refreshing:
//
//   node --conditions=@ironlb/source --import tsx packages/bgp/test/capture-fixtures.ts
//
// A lab with FRR (router, 192.0.2.1) and BIRD (birdrtr, 192.0.2.2), both configured to peer
// actively with 192.0.2.11, where this process listens (inside node1's namespace) as a passive
// peer that answers with a well-formed OPEN and KEEPALIVE and records everything it receives.
// Each router originates an IPv4 and an IPv6 prefix with communities and large communities.
// At the end the recorder sends a message with a broken marker, to record the NOTIFICATION.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { createFramer, decodeMessage, encodeMessage, MessageType, type BgpMessage } from '@ironlb/bgp';
import { FakePeer } from '@ironlb/bgp/testing';
import { createLab, requireRoot, startBird, startFrr, waitFor } from '@ironlb/netlab';
import { listenTcp, runInNetns } from '@ironlb/sys';
import { toHex } from '@ironlb/wire';

const out = join(import.meta.dirname, 'fixtures');
const ctx = { fourOctetAs: true, extendedMessage: true };

interface Recorded {
  frames: Uint8Array[];
  messages: BgpMessage[];
  socket: Socket;
}

requireRoot();
const lab = await createLab({ tag: 'bgpcap' });
try {
  const sw = await lab.addSwitch();
  const router = await lab.addHost('router', {
    switch: sw,
    addresses: ['192.0.2.1/24', '2001:db8::1/64'],
    role: 'router',
  });
  const birdrtr = await lab.addHost('birdrtr', {
    switch: sw,
    addresses: ['192.0.2.2/24', '2001:db8::2/64'],
    role: 'router',
  });
  const node = await lab.addHost('node1', {
    switch: sw,
    addresses: ['192.0.2.11/24', '2001:db8::11/64'],
    role: 'node',
  });
  const sessions = new Map<string, Recorded>();
  const server = await runInNetns(node.name, () => listenTcp({ host: '192.0.2.11', port: 179 }));
  server.on('connection', (socket: Socket) => {
    const rec: Recorded = { frames: [], messages: [], socket };
    sessions.set(socket.remoteAddress!.replace('::ffff:', ''), rec);
    const framer = createFramer({ maxLength: 65535 });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      for (let f = framer.next(); f; f = framer.next()) {
        rec.frames.push(f.slice());
        const m = decodeMessage(f.slice(), ctx);
        rec.messages.push(m);
        if (m.type === 'open') {
          socket.write(
            encodeMessage(
              FakePeer.open({
                asn: 64513,
                routerId: '192.0.2.11',
                holdTime: 90,
                extendedMessage: false,
                gracefulRestart: true,
              }),
              ctx,
            ),
          );
          socket.write(encodeMessage({ type: 'keepalive' }, ctx));
        }
      }
    });
  });
  await startFrr(router, {
    bgpdConfig: [
      'hostname router',
      'route-map TAG permit 10',
      ' set community 64512:100 no-export',
      ' set large-community 64512:1:2',
      ' set metric 20',
      '!',
      'router bgp 64512',
      ' bgp router-id 192.0.2.1',
      ' no bgp ebgp-requires-policy',
      ' no bgp network import-check',
      ' bgp graceful-restart',
      ' neighbor 192.0.2.11 remote-as 64513',
      ' neighbor 192.0.2.11 timers connect 1',
      ' address-family ipv4 unicast',
      '  network 203.0.113.0/24',
      '  neighbor 192.0.2.11 route-map TAG out',
      ' exit-address-family',
      ' address-family ipv6 unicast',
      '  network 2001:db8:100::/48',
      '  neighbor 192.0.2.11 activate',
      '  neighbor 192.0.2.11 route-map TAG out',
      ' exit-address-family',
      '!',
    ].join('\n'),
  });
  await startBird(birdrtr, {
    config: [
      'router id 192.0.2.2;',
      'protocol device { }',
      'protocol static s4 { ipv4; route 198.51.100.0/24 blackhole; }',
      'protocol static s6 { ipv6; route 2001:db8:200::/48 blackhole; }',
      'filter tagged { bgp_community.add((64512,100)); bgp_large_community.add((64512,1,2)); accept; }',
      'protocol bgp up {',
      '  local 192.0.2.2 as 64512;',
      '  neighbor 192.0.2.11 as 64513;',
      '  connect delay time 0;',
      '  graceful restart on;',
      '  ipv4 { import none; export filter tagged; };',
      '  ipv6 { import none; export filter tagged; next hop address 2001:db8::2; };',
      '}',
    ].join('\n'),
  });
  for (const peer of ['192.0.2.1', '192.0.2.2']) {
    await waitFor(() => (sessions.get(peer)?.messages.filter((m) => m.type === 'update').length ?? 0) >= 4, {
      timeoutMs: 30_000,
      description: `UPDATEs from ${peer}`,
    });
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const rec of sessions.values()) rec.socket.write(new Uint8Array(19).fill(0));
  await new Promise((r) => setTimeout(r, 1000));
  for (const [peer, name] of [
    ['192.0.2.1', 'frr-8.4'],
    ['192.0.2.2', 'bird-2.0.12'],
  ] as const) {
    const rec = sessions.get(peer)!;
    const seen = new Map<string, number>();
    rec.frames.forEach((frame, i) => {
      const m = rec.messages[i]!;
      let kind: string = m.type;
      if (m.type === 'update') {
        const mp = m.pathAttributes.find((a) => a.type === 'MP_REACH_NLRI' || a.type === 'MP_UNREACH_NLRI');
        const v6 = mp !== undefined && 'afi' in mp && mp.afi === 2;
        const eor =
          m.nlri.length === 0 &&
          m.withdrawnRoutes.length === 0 &&
          (m.pathAttributes.length === 0 ||
            (mp?.type === 'MP_UNREACH_NLRI' && m.pathAttributes.length === 1));
        kind = `update-${v6 ? 'ipv6' : 'ipv4'}${eor ? '-eor' : ''}`;
      }
      if (m.type === 'notification') kind = `notification-${m.code}-${m.subcode}`;
      if (seen.has(kind) || (frame[18] === MessageType.KEEPALIVE && seen.has('keepalive'))) return;
      seen.set(kind, i);
      writeFileSync(join(out, `${name}-${kind}.hex`), `${toHex(frame).replace(/(.{64})/g, '$1\n')}\n`);
      process.stdout.write(`${name}-${kind}.hex (${frame.length} octets)\n`);
    });
  }
  server.close();
} finally {
  await lab.destroy();
}
