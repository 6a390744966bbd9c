import type { IPAddress } from '@ironlb/netaddr';
import { encodeWith } from '@ironlb/wire';
import {
  ALL_NODES,
  ALL_NODES_MAC,
  IPV4_UNSPECIFIED,
  IPV6_UNSPECIFIED,
  solicitedNodeAddress,
  solicitedNodeMac,
} from './addresses.js';
import { ArpOperation, arpPacketCodec, type ArpPacket } from './arp.js';
import { EtherType, ethernetFrameCodec, padFrame } from './ethernet.js';
import { BROADCAST_MAC, ZERO_MAC, type MacAddress } from './mac.js';
import { ndpPacketCodec, type NdpMessage, type NdpOption } from './ndp.js';

/**
 * Builders of the frames this package sends, each padded to the Ethernet minimum. The
 * responder and the announcer use them; tests use them to play the other hosts.
 */

export function arpFrame(destination: MacAddress, source: MacAddress, arp: ArpPacket): Uint8Array {
  return padFrame(
    encodeWith(
      ethernetFrameCodec,
      { destination, source, etherType: EtherType.ARP, payload: encodeWith(arpPacketCodec, arp) },
      64,
    ),
  );
}

/** The ARP reply to a request for `ip`, to the requester (RFC 826 "Packet Reception"). */
export function arpReplyFrame(request: ArpPacket, ip: IPAddress, mac: MacAddress): Uint8Array {
  return arpFrame(request.senderHardwareAddress, mac, {
    operation: ArpOperation.reply,
    senderHardwareAddress: mac,
    senderProtocolAddress: ip,
    targetHardwareAddress: request.senderHardwareAddress,
    targetProtocolAddress: request.senderProtocolAddress,
  });
}

/**
 * Gratuitous ARP in both forms, broadcast (RFC 5227 section 3 "ARP Announcement", RFC 5944
 * section 4.6): a request "who-has ip tell ip" and a reply "ip is-at mac". Hosts differ in which
 * form updates their cache; sending both covers them.
 */
export function gratuitousArpFrames(
  ip: IPAddress,
  mac: MacAddress,
): [request: Uint8Array, reply: Uint8Array] {
  const request = arpFrame(BROADCAST_MAC, mac, {
    operation: ArpOperation.request,
    senderHardwareAddress: mac,
    senderProtocolAddress: ip,
    targetHardwareAddress: ZERO_MAC,
    targetProtocolAddress: ip,
  });
  const reply = arpFrame(BROADCAST_MAC, mac, {
    operation: ArpOperation.reply,
    senderHardwareAddress: mac,
    senderProtocolAddress: ip,
    targetHardwareAddress: mac,
    targetProtocolAddress: ip,
  });
  return [request, reply];
}

/** An ARP probe (RFC 5227 section 2.1.1): sender IP 0.0.0.0, target the address to test. */
export function arpProbeFrame(ip: IPAddress, mac: MacAddress): Uint8Array {
  return arpFrame(BROADCAST_MAC, mac, {
    operation: ArpOperation.request,
    senderHardwareAddress: mac,
    senderProtocolAddress: IPV4_UNSPECIFIED,
    targetHardwareAddress: ZERO_MAC,
    targetProtocolAddress: ip,
  });
}

export function ndpFrame(
  destinationMac: MacAddress,
  sourceMac: MacAddress,
  packet: { source: IPAddress; destination: IPAddress; message: NdpMessage },
): Uint8Array {
  const payload = encodeWith(ndpPacketCodec, { ...packet, hopLimit: 255, trafficClass: 0, flowLabel: 0 }, 96);
  return padFrame(
    encodeWith(
      ethernetFrameCodec,
      { destination: destinationMac, source: sourceMac, etherType: EtherType.IPv6, payload },
      128,
    ),
  );
}

/**
 * A Neighbor Advertisement for `target` with the target link-layer address option, hop limit
 * 255 (RFC 4861 section 4.4, 7.2.4). Its IPv6 source is the target itself: the address we
 * answer for is not configured on any interface.
 */
export function neighborAdvertisementFrame(options: {
  target: IPAddress;
  mac: MacAddress;
  destination: IPAddress;
  destinationMac: MacAddress;
  solicited: boolean;
  override?: boolean;
}): Uint8Array {
  const tlla: NdpOption = { type: 'targetLinkLayerAddress', address: options.mac };
  return ndpFrame(options.destinationMac, options.mac, {
    source: options.target,
    destination: options.destination,
    message: {
      type: 'neighborAdvertisement',
      code: 0,
      router: false,
      solicited: options.solicited,
      override: options.override ?? true,
      targetAddress: options.target,
      options: [tlla],
    },
  });
}

/** An unsolicited NA with the override flag to all nodes (RFC 4861 section 7.2.6). */
export function unsolicitedAdvertisementFrame(ip: IPAddress, mac: MacAddress): Uint8Array {
  return neighborAdvertisementFrame({
    target: ip,
    mac,
    destination: ALL_NODES,
    destinationMac: ALL_NODES_MAC,
    solicited: false,
  });
}

/** A DAD probe (RFC 4862 section 5.4.2): NS from ::, to the solicited-node group, no source link-layer option. */
export function dadProbeFrame(ip: IPAddress, mac: MacAddress): Uint8Array {
  return ndpFrame(solicitedNodeMac(ip), mac, {
    source: IPV6_UNSPECIFIED,
    destination: solicitedNodeAddress(ip),
    message: { type: 'neighborSolicitation', code: 0, targetAddress: ip, options: [] },
  });
}

/** A Neighbor Solicitation as a host sends it (tests play clients with it). */
export function neighborSolicitationFrame(options: {
  source: IPAddress;
  sourceMac: MacAddress;
  target: IPAddress;
  /** Unicast NS (NUD) goes to this MAC and the target address; default: solicited-node multicast. */
  unicastTo?: MacAddress;
}): Uint8Array {
  const multicast = options.unicastTo === undefined;
  return ndpFrame(multicast ? solicitedNodeMac(options.target) : options.unicastTo!, options.sourceMac, {
    source: options.source,
    destination: multicast ? solicitedNodeAddress(options.target) : options.target,
    message: {
      type: 'neighborSolicitation',
      code: 0,
      targetAddress: options.target,
      options: [{ type: 'sourceLinkLayerAddress', address: options.sourceMac }],
    },
  });
}

/** An ARP request as a host sends it (tests play clients with it). */
export function arpRequestFrame(options: {
  senderIp: IPAddress;
  senderMac: MacAddress;
  target: IPAddress;
  /** Unicast request (as NUD re-probes are); default broadcast. */
  unicastTo?: MacAddress;
}): Uint8Array {
  return arpFrame(options.unicastTo ?? BROADCAST_MAC, options.senderMac, {
    operation: ArpOperation.request,
    senderHardwareAddress: options.senderMac,
    senderProtocolAddress: options.senderIp,
    targetHardwareAddress: ZERO_MAC,
    targetProtocolAddress: options.target,
  });
}
