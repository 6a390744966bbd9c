// Printing an import: the converted objects as YAML (with the findings repeated as comments at
// the top, so a reviewer of the file sees them) or as a JSON List, and the report lines.
import { toYaml } from '../output.js';
import type { ImportFinding } from './import-finding.js';
import type { ImportResult } from './import-metallb.js';

function findingLine(f: ImportFinding): string {
  return `${f.source}: ${f.message}`;
}

/** A YAML stream of the objects, preceded by comments summarising the findings. */
export function renderImportYaml(result: ImportResult): string {
  const serious = result.findings.filter((f) => f.severity !== 'info');
  const header = [
    '# IronLB configuration converted from MetalLB by `ironlb import-metallb`.',
    ...(serious.length > 0
      ? [
          '# Review before applying:',
          ...serious.map(
            (f) => `#   ${f.severity === 'action' ? 'TODO' : 'NOT CONVERTED'}: ${findingLine(f)}`,
          ),
        ]
      : ['# Everything was converted.']),
  ];
  const docs = result.objects.map((o) => toYaml(o));
  return `${header.join('\n')}\n${docs.map((d) => `---\n${d}`).join('')}`;
}

/** A `v1` List of the objects (what `kubectl apply -f` takes as JSON). */
export function renderImportJson(result: ImportResult): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: result.objects }, null, 2)}\n`;
}

/** The report: a summary line and one line per finding (info lines only when verbose). */
export function renderImportReport(result: ImportResult, options: { verbose?: boolean } = {}): string {
  const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(result.counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const lines = [
    `import-metallb: ${total} MetalLB object${total === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''} -> ${result.objects.length} IronLB object${result.objects.length === 1 ? '' : 's'}`,
  ];
  const label = { unconvertible: 'not converted', action: 'to do', info: 'note' } as const;
  let hidden = 0;
  for (const f of result.findings) {
    if (f.severity === 'info' && !options.verbose) {
      hidden++;
      continue;
    }
    lines.push(`  ${label[f.severity]}: ${findingLine(f)}`);
  }
  if (hidden > 0) lines.push(`  (${hidden} note${hidden === 1 ? '' : 's'} not shown: --verbose shows them)`);
  return `${lines.join('\n')}\n`;
}
