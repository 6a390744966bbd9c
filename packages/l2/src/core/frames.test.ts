import { describe, expect, it } from 'vitest';
import { IPAddress } from '@ironlb/netaddr';
import { Reader } from '@ironlb/wire';
import { goldenFrame } from '../testing/golden-frames.js';
import { solicitedNodeAddress, solicitedNodeMac } from './addresses.js';
import { decodeL2Frame } from './frame.js';
import {
  arpProbeFrame,
  dadProbeFrame,
  gratuitousArpFrames,
  unsolicitedAdvertisementFrame,
} from './frames.js';
import { padFrame } from './ethernet.js';
import { arpPacketCodec } from './arp.js';

const ip = (s: string) => IPAddress.parse(s);
const MAC = '02:00:00:00:00:02';

describe('frames we send', () => {
  it('gratuitous ARP reply form equals what `arping -A` sends (padded)', () => {
    const [, reply] = gratuitousArpFrames(ip('192.0.2.11'), MAC);
    expect(reply).toEqual(padFrame(goldenFrame('arp-gratuitous-reply-arping')));
  });

  it('gratuitous ARP request form equals `arping -U` but for the target MAC, zero per RFC 5227 section 3', () => {
    const [request] = gratuitousArpFrames(ip('192.0.2.11'), MAC);
    const arping = arpPacketCodec.decode(new Reader(goldenFrame('arp-gratuitous-request-arping'), 14));
    const ours = arpPacketCodec.decode(new Reader(request, 14));
    expect(ours).toEqual({ ...arping, targetHardwareAddress: '00:00:00:00:00:00' });
    expect(request.length).toBe(60);
  });

  it('ARP probe: sender 0.0.0.0, broadcast (RFC 5227 section 2.1.1)', () => {
    const f = decodeL2Frame(arpProbeFrame(ip('192.0.2.50'), MAC));
    expect(f.kind === 'arp' && f.arp.senderProtocolAddress.toString()).toBe('0.0.0.0');
    expect(f.ethernet.destination).toBe('ff:ff:ff:ff:ff:ff');
  });

  it('unsolicited NA: all nodes, O set, S clear, hop limit 255, target link-layer address', () => {
    const f = decodeL2Frame(unsolicitedAdvertisementFrame(ip('2001:db8::10'), MAC));
    expect(f.ethernet.destination).toBe('33:33:00:00:00:01');
    if (f.kind !== 'ndp') throw new Error('not NDP');
    expect(f.ndp).toMatchObject({ hopLimit: 255, destination: ip('ff02::1'), source: ip('2001:db8::10') });
    expect(f.ndp.message).toMatchObject({
      type: 'neighborAdvertisement',
      override: true,
      solicited: false,
      router: false,
    });
    expect(f.ndp.message.options).toEqual([{ type: 'targetLinkLayerAddress', address: MAC }]);
  });

  it('the unsolicited NA matches the Linux kernel one except for its flags-free checksum and source', () => {
    const linux = decodeL2Frame(goldenFrame('na-unsolicited-linux'));
    const ours = decodeL2Frame(unsolicitedAdvertisementFrame(ip('2001:db8::10'), MAC));
    expect(ours.ethernet).toMatchObject({
      destination: linux.ethernet.destination,
      source: linux.ethernet.source,
    });
    if (ours.kind !== 'ndp' || linux.kind !== 'ndp') throw new Error('not NDP');
    expect(ours.ndp.message).toEqual(linux.ndp.message);
  });

  it('DAD probe equals the Linux kernel one but for its nonce option', () => {
    const linux = decodeL2Frame(goldenFrame('ns-dad-linux'));
    const ours = decodeL2Frame(dadProbeFrame(ip('2001:db8::10'), MAC));
    if (ours.kind !== 'ndp' || linux.kind !== 'ndp') throw new Error('not NDP');
    expect(ours.ndp).toEqual({ ...linux.ndp, message: { ...linux.ndp.message, options: [] } });
    expect(ours.ethernet.destination).toBe(solicitedNodeMac(ip('2001:db8::10')));
  });

  it('solicited-node addresses (RFC 4291 section 2.7.1)', () => {
    expect(solicitedNodeAddress(ip('2001:db8::abcd:1234')).toString()).toBe('ff02::1:ffcd:1234');
    expect(solicitedNodeMac(ip('2001:db8::abcd:1234'))).toBe('33:33:ff:cd:12:34');
  });
});
