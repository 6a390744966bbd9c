import { readFileSync } from 'node:fs';
import { readPcapUdp } from '../src/testing/pcap.js';
import { toHex } from '@ironlb/wire';
for (const d of readPcapUdp(readFileSync(process.argv[2]!)))
  console.log(
    new Date(d.timeUs / 1000).toISOString(),
    d.source,
    d.sourcePort,
    '>',
    d.destination,
    d.destinationPort,
    'ttl',
    d.ttl,
    toHex(d.payload),
  );
