import { describePacketSocketContract } from '../testing/packet-socket-contract.js';
import { MemorySegment } from './memory-socket.js';

describePacketSocketContract('MemorySegment', async () => {
  const seg = new MemorySegment();
  const a = {
    arp: seg.attach('eth0', '02:00:00:00:00:0a', 'arp'),
    ndp: seg.attach('eth0', '02:00:00:00:00:0a', 'ndp'),
  };
  const b = {
    arp: seg.attach('eth0', '02:00:00:00:00:0b', 'arp'),
    ndp: seg.attach('eth0', '02:00:00:00:00:0b', 'ndp'),
  };
  return {
    a,
    b,
    settle: async () => {},
    close: () => {
      for (const s of [a.arp, a.ndp, b.arp, b.ndp]) s.close();
    },
  };
});
