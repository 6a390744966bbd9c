import type { IPAddress } from '@ironlb/netaddr';
import { isDecodeError } from '@ironlb/wire';
import { ALL_NODES, ALL_NODES_MAC, isSolicitedNodeAddress } from './addresses.js';
import { ArpOperation } from './arp.js';
import { decodeL2Frame } from './frame.js';
import { arpReplyFrame, neighborAdvertisementFrame } from './frames.js';
import { isMulticastMac, type MacAddress } from './mac.js';
import type { NdpOption } from './ndp.js';

/**
 * Why a received frame was not answered. Stable strings: they are metric labels and log
 * fields (ARCHITECTURE.md "Decisions return reasons").
 */
export const DropReason = {
  /** Decoding ran out of bytes. */
  truncated: 'truncated',
  /** A field the protocol forbids (bad lengths, bad checksum, zero-length ND option). */
  malformed: 'malformed',
  /** Not ARP for IPv4 over Ethernet, nor an ICMPv6 NS/NA. */
  unsupported: 'unsupported',
  /** Unicast to another host's MAC. */
  notForThisHost: 'notForThisHost',
  /** Sent from this interface's own MAC. */
  ownFrame: 'ownFrame',
  /** Asks for an address this interface does not own. */
  notOwned: 'notOwned',
  /** Asks for an address still being probed (RFC 5227 section 2.1, RFC 4862 section 5.4): not answered yet. */
  probing: 'probing',
  /** An ARP reply, gratuitous ARP or NA that does not conflict with us: nothing to do. */
  notRequest: 'notRequest',
  /** ND hop limit is not 255 (RFC 4861 sections 7.1.1, 7.1.2). */
  badHopLimit: 'badHopLimit',
  /** ICMPv6 code is not 0 (RFC 4861 sections 7.1.1, 7.1.2). */
  badCode: 'badCode',
  /** Fails another RFC 4861 section 7.1 validity check (multicast target, bad DAD form). */
  invalidNdp: 'invalidNdp',
  /** Reply budget of the interface used up (flood protection, counted by the announcer). */
  rateLimited: 'rateLimited',
  /** The kernel dropped frames because the socket buffer was full (flood). */
  kernelQueueFull: 'kernelQueueFull',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** What showed that another host uses one of our addresses. */
export const ConflictEvidence = {
  /** An ARP packet (request, reply, gratuitous) whose sender address is ours, from another MAC. */
  arpSender: 'arpSender',
  /** Another host's ARP probe for an address we are probing (RFC 5227 section 2.1.1). */
  arpProbe: 'arpProbe',
  /** A Neighbor Advertisement for our address with another link-layer address. */
  neighborAdvertisement: 'neighborAdvertisement',
  /** A Neighbor Solicitation sent from our address by another MAC. */
  neighborSolicitationSource: 'neighborSolicitationSource',
  /** Another host's DAD probe for an address we are probing (RFC 4862 section 5.4.3). */
  dadProbe: 'dadProbe',
} as const;
export type ConflictEvidence = (typeof ConflictEvidence)[keyof typeof ConflictEvidence];

/** How the announcer holds an address on the receiving interface. */
export type OwnershipPhase = 'answer' | 'probing';

export interface ResponderContext {
  /** The receiving interface's MAC: replies carry it, and frames from it are our own. */
  readonly mac: MacAddress;
  /** Our phase for `ip` on this interface, or undefined when we do not hold it. */
  phaseOf(ip: IPAddress): OwnershipPhase | undefined;
}

export type ResponderResult =
  | {
      readonly kind: 'reply';
      readonly protocol: 'arp' | 'ndp';
      /** The address answered for. */
      readonly ip: IPAddress;
      readonly frame: Uint8Array;
    }
  | {
      readonly kind: 'drop';
      readonly reason: DropReason;
      /** ARP request or Neighbor Solicitation (counted as requests seen). */
      readonly request: boolean;
    }
  | {
      readonly kind: 'conflict';
      readonly protocol: 'arp' | 'ndp';
      readonly ip: IPAddress;
      /** The other host's MAC. */
      readonly mac: MacAddress;
      readonly evidence: ConflictEvidence;
      readonly phase: OwnershipPhase;
    };

const drop = (reason: DropReason, request = false): ResponderResult => ({ kind: 'drop', reason, request });

/**
 * Decides what to do with one received frame: answer it, ignore it (with a reason), or
 * report a conflict. Pure: the caller sends the reply and counts the outcome.
 *
 * ARP (RFC 826, RFC 5227): a request for an address we answer for gets a unicast reply with
 * our MAC, broadcast or unicast request alike, ARP probes (sender 0.0.0.0) included; a
 * gratuitous request (sender = target) is never answered.
 * NDP (RFC 4861 section 7.2.3/7.2.4): a valid NS for an address we answer for gets a solicited
 * NA with the override flag and our link-layer address; a DAD probe (source ::) gets an NA to
 * all nodes (RFC 4862 section 5.4.3), which makes the prober give up the address.
 */
export function respond(frame: Uint8Array, ctx: ResponderContext): ResponderResult {
  let decoded;
  try {
    decoded = decodeL2Frame(frame);
  } catch (err) {
    if (isDecodeError(err)) return drop(err.failure === 'trailingBytes' ? 'malformed' : err.failure);
    throw err;
  }
  const eth = decoded.ethernet;
  if (eth.source === ctx.mac) return drop(DropReason.ownFrame);
  // Conflicts count whoever the frame was for (a flooding switch shows us others' unicast);
  // answers go only to frames for us.
  const forUs = eth.destination === ctx.mac || isMulticastMac(eth.destination);

  if (decoded.kind === 'arp') {
    const arp = decoded.arp;
    const isRequest = arp.operation === ArpOperation.request;
    // Another host speaking from one of our addresses.
    const senderPhase = arp.senderProtocolAddress.isUnspecified()
      ? undefined
      : ctx.phaseOf(arp.senderProtocolAddress);
    if (senderPhase !== undefined && arp.senderHardwareAddress !== ctx.mac) {
      return conflict(
        'arp',
        arp.senderProtocolAddress,
        arp.senderHardwareAddress,
        ConflictEvidence.arpSender,
        senderPhase,
      );
    }
    if (!isRequest) return drop(DropReason.notRequest);
    if (!forUs) return drop(DropReason.notForThisHost, true);
    if (arp.senderProtocolAddress.equals(arp.targetProtocolAddress)) return drop(DropReason.notRequest, true);
    const phase = ctx.phaseOf(arp.targetProtocolAddress);
    if (phase === undefined) return drop(DropReason.notOwned, true);
    if (phase === 'probing') {
      if (arp.senderProtocolAddress.isUnspecified() && arp.senderHardwareAddress !== ctx.mac) {
        return conflict(
          'arp',
          arp.targetProtocolAddress,
          arp.senderHardwareAddress,
          ConflictEvidence.arpProbe,
          phase,
        );
      }
      return drop(DropReason.probing, true);
    }
    return {
      kind: 'reply',
      protocol: 'arp',
      ip: arp.targetProtocolAddress,
      frame: arpReplyFrame(arp, arp.targetProtocolAddress, ctx.mac),
    };
  }

  const { ndp } = decoded;
  const msg = ndp.message;
  const isRequest = msg.type === 'neighborSolicitation';
  if (ndp.hopLimit !== 255) return drop(DropReason.badHopLimit, isRequest);
  if (msg.code !== 0) return drop(DropReason.badCode, isRequest);
  if (msg.targetAddress.isMulticast()) return drop(DropReason.invalidNdp, isRequest);

  if (msg.type === 'neighborAdvertisement') {
    // RFC 4861 section 7.1.2: an NA to a multicast destination must not have S set.
    if (ndp.destination.isMulticast() && msg.solicited) return drop(DropReason.invalidNdp);
    const phase = ctx.phaseOf(msg.targetAddress);
    const theirs = linkLayer(msg.options, 'targetLinkLayerAddress') ?? eth.source;
    if (phase !== undefined && theirs !== ctx.mac) {
      return conflict('ndp', msg.targetAddress, theirs, ConflictEvidence.neighborAdvertisement, phase);
    }
    return drop(DropReason.notRequest);
  }

  const sourceLink = linkLayer(msg.options, 'sourceLinkLayerAddress');
  const dad = ndp.source.isUnspecified();
  // RFC 4861 section 7.1.1: from ::, the destination is a solicited-node group and there is
  // no source link-layer address option.
  if (dad && (!isSolicitedNodeAddress(ndp.destination) || sourceLink !== undefined)) {
    return drop(DropReason.invalidNdp, true);
  }
  if (!dad) {
    const sourcePhase = ctx.phaseOf(ndp.source);
    const theirs = sourceLink ?? eth.source;
    if (sourcePhase !== undefined && theirs !== ctx.mac) {
      return conflict('ndp', ndp.source, theirs, ConflictEvidence.neighborSolicitationSource, sourcePhase);
    }
  }
  if (!forUs) return drop(DropReason.notForThisHost, true);
  const phase = ctx.phaseOf(msg.targetAddress);
  if (phase === undefined) return drop(DropReason.notOwned, true);
  if (phase === 'probing') {
    if (dad) return conflict('ndp', msg.targetAddress, eth.source, ConflictEvidence.dadProbe, phase);
    return drop(DropReason.probing, true);
  }
  const reply = dad
    ? neighborAdvertisementFrame({
        target: msg.targetAddress,
        mac: ctx.mac,
        destination: ALL_NODES,
        destinationMac: ALL_NODES_MAC,
        solicited: false,
      })
    : neighborAdvertisementFrame({
        target: msg.targetAddress,
        mac: ctx.mac,
        destination: ndp.source,
        destinationMac: sourceLink ?? eth.source,
        solicited: true,
      });
  return { kind: 'reply', protocol: 'ndp', ip: msg.targetAddress, frame: reply };
}

function conflict(
  protocol: 'arp' | 'ndp',
  ip: IPAddress,
  mac: MacAddress,
  evidence: ConflictEvidence,
  phase: OwnershipPhase,
): ResponderResult {
  return { kind: 'conflict', protocol, ip, mac, evidence, phase };
}

function linkLayer(
  options: readonly NdpOption[],
  type: 'sourceLinkLayerAddress' | 'targetLinkLayerAddress',
): MacAddress | undefined {
  for (const o of options) if (o.type === type) return o.address;
  return undefined;
}
