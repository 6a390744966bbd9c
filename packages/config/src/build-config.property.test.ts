import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { buildConfig } from './build-config.js';
import { pool } from './testing/builders.js';

// Pools of small ranges in 192.0.2.0/24 that often overlap.
const poolArb = fc
  .array(
    fc.record({
      start: fc.integer({ min: 0, max: 250 }),
      len: fc.integer({ min: 0, max: 20 }),
      t: fc.integer({ min: 0, max: 9 }),
    }),
    { maxLength: 12 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      pool(
        `p${i}`,
        { addresses: [`192.0.2.${s.start}-192.0.2.${Math.min(255, s.start + s.len)}`] },
        { creationTimestamp: `2025-01-01T00:00:0${s.t}Z` },
      ),
    ),
  );

test.prop([poolArb, poolArb])(
  'pools in effect never overlap, and unchanged pools stay in effect',
  (first, second) => {
    const a = buildConfig(undefined, { ipAddressPools: first });
    const ranges = [...a.config.ipAddressPools.values()].flatMap((p) => p.config.ranges);
    for (let i = 0; i < ranges.length; i++)
      for (let j = i + 1; j < ranges.length; j++) expect(ranges[i]!.overlaps(ranges[j]!)).toBe(false);
    // Feed a different set where the pools of the first run keep their specs: all of them stay.
    const kept = [...a.config.ipAddressPools.values()].map((p) => p.object);
    const renamed = second.map((p) => ({ ...p, metadata: { ...p.metadata, name: `q-${p.metadata.name}` } }));
    const b = buildConfig(a.config, { ipAddressPools: [...renamed, ...kept] });
    for (const name of a.config.ipAddressPools.keys()) expect(b.config.ipAddressPools.has(name)).toBe(true);
    // Building again from its own result changes nothing.
    const c = buildConfig(b.config, { ipAddressPools: [...renamed, ...kept] });
    expect([...c.config.ipAddressPools.keys()]).toEqual([...b.config.ipAddressPools.keys()]);
  },
);
