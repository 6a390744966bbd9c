// The text of `ironlb explain svc`.
import type { Explanation } from './explain-service.js';

const l2Words: Record<string, string> = {
  owner: 'OWNER: answers ARP/NDP for it',
  notOwner: 'standby: a higher-ranked node is alive',
  noQuorum: 'would take it over, but does not reach a majority of speakers',
  yielded: 'stands back: a higher-ranked speaker answered for it',
  settling: 'still learning who is alive',
  notCovered: 'no L2Advertisement covers the pool',
};

export function renderExplanation(e: Explanation): string {
  const out: string[] = [];
  const s = e.service;
  const a = e.allocation;
  out.push(
    `Service ${s.namespace}/${s.name}: type ${s.type}, externalTrafficPolicy ${s.externalTrafficPolicy}${s.loadBalancerClass ? `, class ${s.loadBalancerClass}` : ''}`,
  );
  if (!a.handled) {
    out.push(`  IronLB does not handle it (${a.ignoredBecause}).`);
  } else {
    out.push('', 'ADDRESS');
    out.push(a.ips.length > 0 ? `  ${a.ips.join(', ')} from pool ${a.pool ?? '?'}` : '  none yet');
    if (a.condition)
      out.push(
        `  condition ironlb.io/AddressAllocated=${a.condition.status} (${a.condition.reason}): ${a.condition.message}`,
      );
    if (a.request) {
      const r = a.request;
      const asked = [
        r.requestedIPs.length ? `addresses ${r.requestedIPs.join(', ')}` : '',
        r.pool ? `pool ${r.pool}` : '',
        r.sharingKey ? `sharing key ${r.sharingKey}` : '',
      ].filter(Boolean);
      out.push(
        `  asks for: ${asked.join(', ') || 'any address'} (${r.ipFamilyPolicy}, ${r.primaryFamily} first)`,
      );
    }
    if (a.invalid) out.push(`  invalid request: ${a.invalid}`);
    if (a.pools.length > 0) {
      out.push('  pools, in the order automatic allocation tries them:');
      const w = Math.max(...a.pools.map((p) => p.pool.length));
      for (const p of a.pools)
        out.push(`    ${p.pool.padEnd(w)}  ${p.outcome}${p.reason ? ` (${p.reason})` : ''}: ${p.detail}`);
    } else if (!a.invalid) out.push('  pools: none (create an IPAddressPool)');
    if (a.predicted)
      out.push(`  now: ${a.predicted.ok ? '' : `${a.predicted.reason}: `}${a.predicted.detail}`);
  }
  const ann = e.announcement;
  if (ann) {
    out.push('', 'ANNOUNCEMENT');
    out.push(
      `  mode: ${ann.modes.join(' and ') || 'none'}${ann.l2Advertisements.length ? `; L2Advertisement ${ann.l2Advertisements.join(', ')}` : ''}${ann.bgpAdvertisements.length ? `; BGPAdvertisement ${ann.bgpAdvertisements.join(', ')}` : ''}`,
    );
    out.push(
      `  speakers alive${ann.membership.source ? ` (as ${ann.membership.source} sees them)` : ''}: ${ann.membership.alive.join(', ') || 'none'}`,
    );
    for (const addr of ann.addresses) {
      out.push(
        `  ${addr.ip}${addr.electionKey && addr.electionKey !== addr.ip ? ` (elected with ${addr.electionKey}, which it shares)` : ''}:`,
      );
      if (ann.modes.includes('layer2'))
        out.push(
          `    layer 2: ranking sha256(node#${addr.electionKey ?? addr.ip}), preferences first; owner: ${addr.owner ?? 'none'}`,
        );
      const w = Math.max(...addr.nodes.map((n) => n.node.length));
      for (const n of addr.nodes) {
        const parts = [];
        if (ann.modes.includes('layer2'))
          parts.push(`${n.rank ? `#${n.rank} ` : ''}${l2Words[n.layer2] ?? `not eligible: ${n.layer2}`}`);
        if (ann.modes.includes('bgp'))
          parts.push(`BGP ${n.bgp === 'advertised' ? 'advertised' : `not advertised: ${n.bgp}`}`);
        out.push(
          `    ${n.node.padEnd(w)}  ${parts.join('; ')}${n.speakerAlive ? '' : ' (speaker not alive)'}`,
        );
      }
      const reported = addr.reported.map(
        (r) => `${r.node} (${r.protocol === 'bgp' ? `BGP to ${r.peers.join(', ')}` : 'layer 2'})`,
      );
      out.push(`    reported by the speakers: ${reported.join(', ') || 'nobody announces it'}`);
    }
  }
  out.push('', e.fixes.length === 0 ? 'Nothing to fix.' : 'TO FIX');
  for (const f of e.fixes) out.push(`  - ${f}`);
  return `${out.join('\n')}\n`;
}
