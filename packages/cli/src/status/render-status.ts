// The text of `ironlb status`: tables with usage bars, then the problems.
import type { FamilyUsage, StatusReport } from './status-report.js';

function bar(u: FamilyUsage, width = 20): string {
  const total = u.assigned + u.available;
  const filled = total === 0 ? 0 : Math.min(width, Math.round((u.assigned / total) * width));
  const percent = total === 0 ? 0 : Math.round((u.assigned / total) * 100);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%`;
}

function count(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? '2^53+' : String(n);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function renderStatus(report: StatusReport): string {
  const out: string[] = [];
  out.push('POOLS');
  if (report.pools.length === 0) out.push('  (none: create an IPAddressPool, see docs/configuration.md)');
  else {
    const rows = [['  NAME', 'MODE', 'FAMILY', 'ASSIGNED', 'AVAILABLE', 'USAGE']];
    for (const p of report.pools) {
      const mode = p.modes.join('+') || 'none';
      const fams = [
        ['IPv4', p.ipv4],
        ['IPv6', p.ipv6],
      ] as const;
      const present = fams.filter(([, u]) => u !== undefined);
      if (present.length === 0)
        rows.push([`  ${p.name}${p.autoAssign ? '' : ' (manual)'}`, mode, '-', '-', '-', 'no status yet']);
      present.forEach(([family, u], i) =>
        rows.push([
          i === 0 ? `  ${p.name}${p.autoAssign ? '' : ' (manual)'}${p.valid ? '' : ' (INVALID)'}` : '  ',
          i === 0 ? mode : '',
          family,
          count(u!.assigned),
          count(u!.available),
          bar(u!),
        ]),
      );
    }
    out.push(...table(rows));
  }
  out.push('', 'SERVICES');
  if (report.services.length === 0) out.push('  (no LoadBalancer Service)');
  else {
    const rows = [['  SERVICE', 'ADDRESSES', 'POOL', 'ANNOUNCED BY']];
    for (const s of report.services) {
      let by: string;
      if (s.state === 'pending') by = `PENDING: ${s.reason ?? ''}`;
      else {
        const parts = [];
        if (s.layer2Node) parts.push(`${s.layer2Node} (layer 2)`);
        if (s.bgpNodes.length > 0) parts.push(`${s.bgpNodes.join(', ')} (BGP to ${s.bgpPeers.join(', ')})`);
        by = parts.join('; ') || 'NOBODY';
      }
      rows.push([`  ${s.namespace}/${s.name}`, s.ips.join(',') || '-', s.pool ?? '-', by]);
    }
    out.push(...table(rows));
  }
  out.push('', 'SPEAKERS');
  if (report.speakers.length === 0) out.push('  (none has reported)');
  else {
    const rows = [['  NODE', 'ALIVE', 'ANNOUNCES', 'BGP SESSIONS']];
    for (const s of report.speakers)
      rows.push([
        `  ${s.node}`,
        s.alive ? 'yes' : 'NO',
        String(s.announced),
        s.bgpSessions.map((b) => `${b.peer} ${b.state}`).join(', ') || '-',
      ]);
    out.push(...table(rows));
  }
  out.push('', `CONTROLLER  leader: ${report.controller.leader ?? 'NONE'}`);
  out.push('', report.problems.length === 0 ? 'No problems found.' : `PROBLEMS (${report.problems.length})`);
  for (const p of report.problems) out.push(`  - ${p}`);
  return `${out.join('\n')}\n`;
}
