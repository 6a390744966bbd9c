import { describe, expect, it } from 'vitest';
import { hostRoutes, renderExaBgpConfig } from '../exabgp/exabgp-config.js';
import { parseProcStat } from '../proc-stat.js';
import { parseArpingOutput } from './arping.js';
import { parsePingOutput } from './ping.js';

describe('tool output parsers', () => {
  it('parses iputils ping', () => {
    const out = [
      '--- 192.0.2.12 ping statistics ---',
      '2 packets transmitted, 1 received, 50% packet loss, time 51ms',
      'rtt min/avg/max/mdev = 0.040/0.045/0.050/0.005 ms',
    ].join('\n');
    expect(parsePingOutput(out)).toMatchObject({
      transmitted: 2,
      received: 1,
      lossPercent: 50,
      rttAvgMs: 0.045,
      ok: true,
    });
    expect(parsePingOutput('')).toMatchObject({ ok: false, lossPercent: 100 });
  });

  it('parses iputils arping, with two MACs for a conflict', () => {
    const out = [
      'ARPING 198.51.100.10 from 192.0.2.100 eth0',
      'Unicast reply from 198.51.100.10 [02:00:00:00:00:02]  0.600ms',
      'Unicast reply from 198.51.100.10 [02:00:00:00:00:03]  0.700ms',
      'Sent 1 probes (1 broadcast(s))',
      'Received 2 response(s)',
    ].join('\n');
    expect(parseArpingOutput(out)).toEqual({
      sent: 1,
      replies: [
        { ip: '198.51.100.10', mac: '02:00:00:00:00:02', unicast: true },
        { ip: '198.51.100.10', mac: '02:00:00:00:00:03', unicast: true },
      ],
      macs: ['02:00:00:00:00:02', '02:00:00:00:00:03'],
    });
  });

  it('parses /proc/PID/stat with spaces and parentheses in comm', () => {
    const stat = parseProcStat(
      '4242 (a (b) c) Z 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 0 0',
    );
    expect(stat).toMatchObject({
      pid: 4242,
      comm: 'a (b) c',
      state: 'Z',
      ppid: 1,
      pgrp: 4242,
      startTime: 98765,
    });
  });

  it('renders ExaBGP configs and host route lists', () => {
    const routes = hostRoutes(258, { nextHop: '192.0.2.11' });
    expect(routes[0]?.prefix).toBe('198.18.0.0/32');
    expect(routes[257]?.prefix).toBe('198.18.1.1/32');
    const text = renderExaBgpConfig({
      routerId: '192.0.2.11',
      localAddress: '192.0.2.11',
      localAs: 64513,
      peerAs: 64512,
      neighbors: ['192.0.2.1', '192.0.2.2'],
      routes: routes.slice(0, 1),
      groupUpdates: false,
      md5Password: 'pw',
    });
    expect(text).toContain('    group-updates false;');
    expect(text).toContain('    md5-password "pw";');
    expect(text).toContain('    family { ipv4 unicast; }');
    expect(text).toContain('      route 198.18.0.0/32 next-hop 192.0.2.11;');
    expect(text).toContain('neighbor 192.0.2.2 { inherit routers; }');
  });
});
