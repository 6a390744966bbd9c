import { describe, expect, it } from 'vitest';
import { renderBfddConfig, renderBgpdConfig } from './frr-config.js';

const files = { hostname: 'router', logFile: '/x/bgpd.log' };

describe('renderBgpdConfig', () => {
  it('renders the documented dual-stack dynamic-neighbour router (network-lab.md 3a)', () => {
    const text = renderBgpdConfig(
      {
        asn: 64512,
        routerId: '192.0.2.1',
        peerGroups: [
          {
            name: 'NODES',
            remoteAs: 'external',
            timers: { keepalive: 3, hold: 9 },
            listenRanges: ['192.0.2.0/24'],
          },
          {
            name: 'NODES6',
            remoteAs: 'external',
            timers: { keepalive: 3, hold: 9 },
            listenRanges: ['2001:db8::/64'],
            families: ['ipv6'],
          },
        ],
      },
      files,
    );
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'router bgp 64512',
        ' bgp router-id 192.0.2.1',
        ' no bgp ebgp-requires-policy',
        ' bgp bestpath as-path multipath-relax',
        ' neighbor NODES peer-group',
        ' neighbor NODES remote-as external',
        ' neighbor NODES timers 3 9',
        ' bgp listen range 192.0.2.0/24 peer-group NODES',
        ' bgp listen range 2001:db8::/64 peer-group NODES6',
        ' bgp listen limit 100',
        '  no neighbor NODES6 activate',
        '  neighbor NODES6 activate',
        '  maximum-paths 8',
      ]),
    );
    // IPv6 activation sits in the IPv6 family, the de-activation in IPv4.
    const v4 = text.indexOf('address-family ipv4 unicast');
    const v6 = text.indexOf('address-family ipv6 unicast');
    expect(text.indexOf('no neighbor NODES6 activate')).toBeGreaterThan(v4);
    expect(text.indexOf('no neighbor NODES6 activate')).toBeLessThan(v6);
    expect(text.lastIndexOf('  neighbor NODES6 activate')).toBeGreaterThan(v6);
  });

  it('renders neighbours with MD5, BFD profiles, graceful restart and deny-out', () => {
    const text = renderBgpdConfig(
      {
        asn: 64512,
        routerId: '192.0.2.1',
        gracefulRestart: { restartTime: 120, stalePathTime: 360 },
        neighbors: [
          {
            address: '192.0.2.11',
            remoteAs: 64513,
            password: 's3cret',
            bfd: { profile: 'fast' },
            denyOut: true,
          },
          { address: '192.0.2.12', remoteAs: 'internal', bfd: true, passive: true },
        ],
      },
      files,
    );
    expect(text).toContain('route-map DENY deny 10');
    expect(text).toContain(
      ' bgp graceful-restart\n bgp graceful-restart restart-time 120\n bgp graceful-restart stalepath-time 360',
    );
    expect(text).toContain(' neighbor 192.0.2.11 password s3cret');
    expect(text).toContain(' neighbor 192.0.2.11 bfd\n neighbor 192.0.2.11 bfd profile fast');
    expect(text).toContain(' neighbor 192.0.2.12 bfd\n');
    expect(text).toContain(' neighbor 192.0.2.12 passive');
    expect(text).toContain('  neighbor 192.0.2.11 route-map DENY out');
  });
});

describe('renderBfddConfig', () => {
  it('renders profiles inside the bfd node', () => {
    expect(
      renderBfddConfig({
        hostname: 'r',
        logFile: '/x/bfdd.log',
        profiles: [{ name: 'fast', receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 }],
      }),
    ).toBe(
      'hostname r\nlog file /x/bfdd.log informational\n!\nbfd\n profile fast\n  detect-multiplier 3\n' +
        '  receive-interval 100\n  transmit-interval 100\n exit\nexit\n!\n',
    );
  });
});
