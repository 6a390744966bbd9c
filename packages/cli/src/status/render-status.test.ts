import { describe, expect, it } from 'vitest';
import { renderStatus } from './render-status.js';
import type { StatusReport } from './status-report.js';

const report: StatusReport = {
  pools: [
    {
      name: 'web',
      addresses: ['198.51.100.0/24'],
      autoAssign: true,
      modes: ['layer2'],
      ipv4: { assigned: 64, available: 192 },
      valid: true,
    },
    { name: 'manual', addresses: ['203.0.113.0/30'], autoAssign: false, modes: [], valid: true },
  ],
  services: [
    {
      namespace: 'a',
      name: 'x',
      ips: ['198.51.100.1'],
      pool: 'web',
      modes: ['layer2'],
      state: 'announced',
      layer2Node: 'n1',
      bgpNodes: [],
      bgpPeers: [],
    },
    {
      namespace: 'a',
      name: 'y',
      ips: [],
      modes: [],
      state: 'pending',
      bgpNodes: [],
      bgpPeers: [],
      reason: 'poolExhausted',
    },
  ],
  speakers: [{ node: 'n1', alive: true, announced: 1, bgpSessions: [] }],
  controller: {},
  problems: ['one'],
};

describe('renderStatus', () => {
  it('tables with a usage bar, pending reasons, the missing leader and the problems', () => {
    const text = renderStatus(report);
    expect(text).toMatch(/web +layer2 +IPv4 +64 +192 +\[#{5}\.{15}\] {2}25%/);
    expect(text).toContain('manual (manual)');
    expect(text).toContain('no status yet');
    expect(text).toMatch(/a\/x +198\.51\.100\.1 +web +n1 \(layer 2\)/);
    expect(text).toContain('PENDING: poolExhausted');
    expect(text).toContain('CONTROLLER  leader: NONE');
    expect(text).toContain('PROBLEMS (1)\n  - one\n');
  });
});
