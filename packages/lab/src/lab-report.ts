// The text of `ironlb lab status` and the "what to try next" that ends `lab up`.
import { relative } from 'node:path';
import type { LabStatus } from './lab-status.js';

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

export function renderLabStatus(status: LabStatus): string {
  if (status.state === 'down')
    return `IronLB lab "${status.name}" is not running (start it with \`npm run lab\`).\n`;
  const lines = [
    `IronLB lab "${status.name}": ${status.state}`,
    `  kubeconfig   ${status.kubeconfig}`,
    `  API server   ${status.apiServer ?? '?'} (emulator, RBAC enforced)`,
  ];
  const leader = status.controllers.find((c) => c.leader)?.name;
  lines.push(
    `  controller   ${status.controllers.map((c) => `${c.name}${c.running ? '' : ' (stopped)'}`).join(', ')}${leader ? `; ${leader} leads` : '; no leader yet'}`,
  );
  if (status.router) {
    const up = status.router.bgpSessions.filter((s) => s.state === 'Established').length;
    lines.push(
      `  router       ${status.router.ipv4} FRR AS ${status.router.asn}: ${up} of ${status.router.bgpSessions.length} BGP sessions established`,
    );
  }
  lines.push(`  client       ${status.client?.ipv4 ?? '?'} / ${status.client?.ipv6 ?? '?'}`);
  for (const n of status.nodes)
    lines.push(
      `  ${pad(n.name, 12)} ${pad(n.ipv4, 13)} speaker ${n.speaker}${n.speakerPid ? ` (pid ${n.speakerPid})` : ''}, link ${n.link}`,
    );
  if (status.services.length > 0) {
    lines.push('  Services:');
    for (const s of status.services)
      lines.push(
        `    ${pad(`${s.namespace}/${s.name}`, 20)} ${pad(s.ips.join(',') || '<pending>', 18)} ${pad(s.mode, 7)} ${s.announcedBy.length > 0 ? `announced by ${s.announcedBy.join(', ')}` : 'not announced'}`,
      );
  }
  for (const p of status.problems) lines.push(`  problem: ${p}`);
  return `${lines.join('\n')}\n`;
}

/** What to try next, with copy-pastable commands. */
export function renderNextSteps(status: LabStatus, cwd: string = process.cwd()): string {
  const lab = status.name === 'lab' ? 'npm run lab --' : `npm run lab -- --name ${status.name}`;
  const kc = relative(cwd, status.kubeconfig).startsWith('..')
    ? status.kubeconfig
    : relative(cwd, status.kubeconfig);
  const l2 = status.services.find((s) => s.mode.startsWith('layer2') && s.ips.length > 0);
  const bgp = status.services.find((s) => s.mode.includes('bgp') && s.ips.length > 0);
  const owner = l2?.announcedBy[0] ?? 'node1';
  const url = (ip: string) => `http://${ip.includes(':') ? `[${ip}]` : ip}/`;
  const rows: [string, string][] = [
    [`export KUBECONFIG=${kc}`, ''],
    ['kubectl get svc -A -o wide', 'the EXTERNAL-IPs'],
    ...(l2
      ? [
          [
            `${lab} exec client -- curl -s ${url(l2.ips[0] ?? '')}`,
            `layer 2: answered by ${owner}, which owns it`,
          ] as [string, string],
        ]
      : []),
    ...(bgp
      ? [
          [
            `${lab} exec client -- curl -s ${url(bgp.ips[0] ?? '')}`,
            'BGP: the router spreads clients over the nodes',
          ] as [string, string],
        ]
      : []),
    [`${lab} fail-node ${owner}`, 'kill its speaker (--how link: cut its cable); the address moves'],
    [`${lab} heal-node ${owner}`, ''],
    [`${lab} exec router -- vtysh -c "show ip route 203.0.113.0/24 longer-prefixes"`, 'ECMP next hops'],
    [`npx ironlb status --kubeconfig ${kc}`, 'pools, Services, announcements'],
    [`npx ironlb explain svc demo/web-l2 --kubeconfig ${kc}`, 'why this address, why this node'],
    [`${lab} down`, 'remove everything'],
  ];
  const lines = ['Try:'];
  for (const [cmd, comment] of rows) {
    if (comment) lines.push(`  # ${comment}`);
    lines.push(`  ${cmd}`);
  }
  return `${lines.join('\n')}\n`;
}
