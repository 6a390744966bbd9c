#!/usr/bin/env node
// Mutation fuzzer over the captured FRR/BIRD messages: byte flips, truncations and insertions,
// decoded in both contexts; anything thrown that is not a BgpDecodeError is printed as hex, to
// be added to test/crashers. Build first (npx tsc -b packages/bgp), then from the repo root:
//
//   node packages/bgp/bench/fuzz-captures.mjs [iterations]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, BgpDecodeError, checkUpdate } from '@ironlb/bgp';
import { fromHex, toHex } from '@ironlb/wire';

const dir = join(import.meta.dirname, '..', 'test', 'fixtures');
const iterations = Number(process.argv[2] ?? 300000);
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => fromHex(readFileSync(join(dir, f), 'utf8')));
let seed = 12345;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const found = new Map();
for (let i = 0; i < iterations; i++) {
  const s = seeds[rnd(seeds.length)];
  let b = s.slice();
  const ops = 1 + rnd(4);
  for (let k = 0; k < ops; k++) {
    const op = rnd(4);
    if (op === 0 && b.length > 19) b[19 + rnd(b.length - 19)] = rnd(256);
    else if (op === 1 && b.length > 20) b = b.slice(0, 19 + rnd(b.length - 19));
    else if (op === 2) {
      const x = new Uint8Array(b.length + 1);
      const at = 19 + rnd(b.length - 18);
      x.set(b.subarray(0, at));
      x[at] = rnd(256);
      x.set(b.subarray(at), at + 1);
      b = x;
    } else if (op === 3 && b.length > 19) b[19 + rnd(b.length - 19)] ^= 1 << rnd(8);
  }
  b[16] = b.length >> 8;
  b[17] = b.length & 255;
  for (const ctx of [
    { fourOctetAs: true, extendedMessage: true },
    { fourOctetAs: false, extendedMessage: false },
  ]) {
    try {
      const m = decodeMessage(b, ctx);
      if (m.type === 'update')
        checkUpdate(m, { external: true, peerAs: 64512, fourOctetAs: ctx.fourOctetAs });
    } catch (e) {
      if (!(e instanceof BgpDecodeError)) {
        const k = String(e).slice(0, 80);
        if (!found.has(k)) {
          found.set(k, toHex(b));
          console.log('CRASH', k, toHex(b));
        }
      }
    }
  }
}
console.log('done, distinct crashes:', found.size);
