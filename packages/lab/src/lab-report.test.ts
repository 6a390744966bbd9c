import { describe, expect, it } from 'vitest';
import { renderLabStatus, renderNextSteps } from './lab-report.js';
import type { LabStatus } from './lab-status.js';

const status: LabStatus = {
  name: 'lab',
  state: 'up',
  dir: '/repo/.lab/lab',
  kubeconfig: '/repo/.lab/lab/kubeconfig',
  apiServer: 'https://127.0.0.1:40000',
  nodes: [
    {
      name: 'node1',
      ipv4: '192.0.2.11',
      ipv6: '2001:db8::11',
      mac: 'm',
      netns: 'ilb-lab-node1',
      link: 'up',
      speaker: 'running',
      speakerPid: 10,
    },
    {
      name: 'node2',
      ipv4: '192.0.2.12',
      ipv6: '2001:db8::12',
      mac: 'm',
      netns: 'ilb-lab-node2',
      link: 'down',
      speaker: 'stopped',
    },
  ],
  router: {
    netns: 'ilb-lab-router',
    ipv4: '192.0.2.1',
    asn: 64512,
    bgpSessions: [{ peer: '192.0.2.11', state: 'Established' }],
  },
  client: { netns: 'ilb-lab-client', ipv4: '192.0.2.100', ipv6: '2001:db8::100' },
  controllers: [
    { name: 'controller-1', running: true, leader: false },
    { name: 'controller-2', running: true, leader: true },
  ],
  services: [
    {
      namespace: 'demo',
      name: 'web-l2',
      ips: ['198.51.100.10'],
      pool: 'lab-ipv4',
      mode: 'layer2',
      announcedBy: ['node1'],
    },
    {
      namespace: 'demo',
      name: 'web-bgp',
      ips: ['203.0.113.10'],
      pool: 'lab-bgp',
      mode: 'bgp',
      announcedBy: ['node1'],
    },
  ],
  problems: ['speaker node2 is not running'],
};

describe('lab report', () => {
  it('shows the parts, the Services with their announcers, and the problems', () => {
    const text = renderLabStatus(status);
    expect(text).toContain('IronLB lab "lab": up');
    expect(text).toContain('controller   controller-1, controller-2; controller-2 leads');
    expect(text).toContain('1 of 1 BGP sessions established');
    expect(text).toMatch(/node2 +192\.0\.2\.12 +speaker stopped, link down/);
    expect(text).toMatch(/demo\/web-l2 +198\.51\.100\.10 +layer2 +announced by node1/);
    expect(text).toContain('problem: speaker node2 is not running');
    expect(renderLabStatus({ ...status, state: 'down' })).toBe(
      'IronLB lab "lab" is not running (start it with `npm run lab`).\n',
    );
  });

  it('next steps: the kubeconfig relative to where the user is, curl of both samples, the owner to fail', () => {
    const text = renderNextSteps(status, '/repo');
    expect(text).toContain('export KUBECONFIG=.lab/lab/kubeconfig');
    expect(text).toContain('npm run lab -- exec client -- curl -s http://198.51.100.10/');
    expect(text).toContain('npm run lab -- exec client -- curl -s http://203.0.113.10/');
    expect(text).toContain('npm run lab -- fail-node node1');
    const other = renderNextSteps({ ...status, name: 'second' }, '/elsewhere');
    expect(other).toContain('export KUBECONFIG=/repo/.lab/lab/kubeconfig');
    expect(other).toContain('npm run lab -- --name second down');
  });
});
