// IPAddressPool on its own: addresses parse, do not overlap each other, reserved addresses
// are inside, selectors are well formed.
import { mergeRanges, subtractRanges, tryParsePoolEntry } from '@ironlb/netaddr';
import type { IPRange } from '@ironlb/netaddr';
import type { IPAddressPool, IPAddressPoolSpec } from '../crd/generated-types.js';
import type { PoolConfig } from '../domain.js';
import { Findings, checkSelectors, checkStructure } from './common.js';

export interface PoolCheck {
  readonly findings: Findings;
  /** Present when the pool has no errors of its own. */
  readonly config?: PoolConfig;
}

function parseEntries(entries: readonly string[], path: string, findings: Findings): IPRange[] {
  const out: IPRange[] = [];
  entries.forEach((text, i) => {
    const r = tryParsePoolEntry(text);
    if (r.ok) out.push(r.value);
    else findings.add(`${path}[${i}]`, 'invalidAddress', `${path}[${i}] "${text}": ${r.error.message}`);
  });
  return out;
}

export function checkPool(pool: IPAddressPool): PoolCheck {
  const findings = new Findings({ kind: 'IPAddressPool', name: pool.metadata?.name ?? '' });
  const spec = checkStructure<IPAddressPoolSpec>('IPAddressPool', pool, findings);
  if (!spec) return { findings };

  const ranges = parseEntries(spec.addresses, 'spec.addresses', findings);
  const reserved = parseEntries(spec.reservedAddresses ?? [], 'spec.reservedAddresses', findings);
  if (ranges.length === spec.addresses.length) {
    // Sorted by first address, an overlap shows between neighbours.
    const order = ranges.map((r, i) => ({ r, i })).sort((a, b) => a.r.compare(b.r));
    for (let k = 1; k < order.length; k++) {
      const a = order[k - 1]!;
      const b = order[k]!;
      if (a.r.overlaps(b.r)) {
        const [first, second] = a.i < b.i ? [a, b] : [b, a];
        findings.add(
          `spec.addresses[${second.i}]`,
          'overlappingAddresses',
          `spec.addresses[${second.i}] ${second.r} overlaps spec.addresses[${first.i}] ${first.r}`,
        );
      }
    }
  }
  if (ranges.length > 0) {
    reserved.forEach((r, i) => {
      if (subtractRanges([r], ranges).length > 0)
        findings.add(
          `spec.reservedAddresses[${i}]`,
          'reservedOutsidePool',
          `spec.reservedAddresses[${i}] ${r} is not (entirely) inside the pool's addresses`,
        );
    });
    if (reserved.length > 0 && subtractRanges(mergeRanges(ranges), reserved).length === 0)
      findings.add('spec.reservedAddresses', 'noUsableAddresses', 'every address of the pool is reserved');
  }
  const sa = spec.serviceAllocation;
  checkSelectors(sa?.namespaceSelectors, 'spec.serviceAllocation.namespaceSelectors', findings);
  checkSelectors(sa?.serviceSelectors, 'spec.serviceAllocation.serviceSelectors', findings);
  if (findings.hasErrors) return { findings };

  const config: PoolConfig = {
    name: pool.metadata.name,
    labels: { ...(pool.metadata.labels ?? {}) },
    ranges,
    prefixes: ranges.flatMap((r) => r.toPrefixes()),
    reserved,
    autoAssign: spec.autoAssign ?? true,
    avoidBuggyIPs: spec.avoidBuggyIPs ?? false,
    ...(sa
      ? {
          serviceAllocation: {
            ...(sa.priority !== undefined ? { priority: sa.priority } : {}),
            namespaces: [...(sa.namespaces ?? [])],
            namespaceSelectors: [...(sa.namespaceSelectors ?? [])],
            serviceSelectors: [...(sa.serviceSelectors ?? [])],
          },
        }
      : {}),
  };
  return { findings, config };
}
