import { describe, expect, it } from 'vitest';
import { renderBirdConfig } from './bird-config.js';
import { parseBirdProtocols, parseBirdRouteCount, parseBirdRoutes } from './birdc-parse.js';

describe('birdc parsers (BIRD 2.0.12 output)', () => {
  it('parses show protocols', () => {
    const text = [
      'BIRD 2.0.12 ready.',
      'Name       Proto      Table      State  Since         Info',
      'device1    Device     ---        up     03:03:25.123  ',
      'nodes      BGP        ---        start  03:03:25.123  Passive',
      'node1      BGP        ---        up     03:03:26.001  Established   ',
      'node2      BGP        ---        start  2024-01-02 03:03:26  Active        Socket: Connection closed',
    ].join('\n');
    expect(parseBirdProtocols(text)).toEqual([
      { name: 'device1', proto: 'Device', table: '---', state: 'up', since: '03:03:25.123', info: '' },
      { name: 'nodes', proto: 'BGP', table: '---', state: 'start', since: '03:03:25.123', info: 'Passive' },
      { name: 'node1', proto: 'BGP', table: '---', state: 'up', since: '03:03:26.001', info: 'Established' },
      {
        name: 'node2',
        proto: 'BGP',
        table: '---',
        state: 'start',
        since: '2024-01-02 03:03:26',
        info: 'Active        Socket: Connection closed',
      },
    ]);
  });

  it('parses show route count and show route all', () => {
    expect(
      parseBirdRouteCount(
        'BIRD 2.0.12 ready.\n3 of 3 routes for 2 networks in table master4\n0 of 0 routes for 0 networks in table master6\nTotal: 3 of 3 routes for 2 networks in 2 tables\n',
      ),
    ).toEqual({ routes: 6, networks: 4 });
    const routes = parseBirdRoutes(
      [
        'BIRD 2.0.12 ready.',
        'Table master4:',
        '198.51.100.10/32     unicast [node1 03:03:26.100] * (100) [AS64513i]',
        '\tvia 192.0.2.11 on eth0',
        '\tType: BGP univ',
        '\tBGP.as_path: 64513',
        '                     unicast [node2 03:03:26.200] (100) [AS64513i]',
        '\tvia 192.0.2.12 on eth0',
      ].join('\n'),
    );
    expect(routes).toEqual([
      { network: '198.51.100.10/32', protocol: 'node1', primary: true, via: ['192.0.2.11'], asPath: '64513' },
      {
        network: '198.51.100.10/32',
        protocol: 'node2',
        primary: false,
        via: ['192.0.2.12'],
        asPath: '64513',
      },
    ]);
  });
});

describe('renderBirdConfig', () => {
  it('renders dynamic neighbours from a template with { } and kernel ECMP (network-lab.md 6)', () => {
    const text = renderBirdConfig({
      routerId: '192.0.2.2',
      logFile: '/x/bird.log',
      kernelFamilies: ['ipv4'],
      bgp: [
        {
          name: 'nodes',
          localAddress: '192.0.2.2',
          localAs: 64512,
          neighbor: { range: '192.0.2.0/24' },
          remoteAs: 'external',
          holdTime: 9,
          password: 'pw',
        },
      ],
    });
    expect(text).toContain('  merge paths yes limit 8;');
    expect(text).toContain('  neighbor range 192.0.2.0/24 external;');
    expect(text).toContain('  password "pw";');
    expect(text).toContain('  ipv4 { import all; export none; };');
    expect(text).toContain('protocol bgp nodes from nodes_t { }');
  });

  it('renders static routes to originate, and a static neighbour', () => {
    const text = renderBirdConfig({
      routerId: '192.0.2.11',
      kernelFamilies: [],
      staticRoutes: { ipv4: ['198.18.0.0/32', '198.18.0.1/32'] },
      bgp: [
        {
          name: 'uplink',
          localAddress: '192.0.2.11',
          localAs: 64513,
          neighbor: { address: '192.0.2.1' },
          remoteAs: 64512,
          importFilter: 'none',
          exportFilter: 'all',
        },
      ],
    });
    expect(text).not.toContain('protocol kernel');
    expect(text).toContain(
      'protocol static static_ipv4 {\n  ipv4;\n  route 198.18.0.0/32 blackhole;\n  route 198.18.0.1/32 blackhole;\n}',
    );
    expect(text).toContain(
      'protocol bgp uplink {\n  local 192.0.2.11 as 64513;\n  neighbor 192.0.2.1 as 64512;',
    );
    expect(text).toContain('  ipv4 { import none; export all; };');
  });
});
