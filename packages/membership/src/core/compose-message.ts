import type { GossipEntry } from './codec/gossip-entry.js';
import { gossipEntryLength } from './codec/gossip-entry.js';
import type { AckMessage, Message, NackMessage, PingMessage, PingReqMessage } from './codec/packet.js';
import { baseDatagramLength } from './codec/packet.js';
import type { BroadcastQueue } from './broadcast-queue.js';

/** Messages the detector builds; the sender, incarnation and gossip are filled in on send. */
export type Outgoing =
  | Omit<PingMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<AckMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<PingReqMessage, 'sender' | 'incarnation' | 'gossip'>
  | Omit<NackMessage, 'sender' | 'incarnation' | 'gossip'>
  | { type: 'gossip' }
  | { type: 'leave' };

/**
 * Builds one outgoing message with as much pending news as fits in `maxPacketBytes`.
 * Buddy system (Lifeguard section IV.C): what we believe about the recipient, if it is not
 * alive in our eyes, goes first so that it can refute; `extra` takes that slot when given.
 * A `leave` carries no news.
 */
export function composeMessage(
  body: Outgoing,
  options: {
    self: string;
    incarnation: number;
    to: string;
    extra?: GossipEntry;
    belief: (member: string) => GossipEntry | undefined;
    queue: BroadcastQueue;
    maxPacketBytes: number;
    retransmitLimit: number;
  },
): Message {
  const message = { ...body, sender: options.self, incarnation: options.incarnation, gossip: [] } as Message;
  if (body.type === 'leave') return message;
  let budget = options.maxPacketBytes - baseDatagramLength(message);
  const { to, queue } = options;
  const first = options.extra ?? (queue.about(to) ? undefined : options.belief(to));
  if (first && gossipEntryLength(first) <= budget) {
    message.gossip.push(first);
    budget -= gossipEntryLength(first);
  }
  message.gossip.push(...queue.select(budget, options.retransmitLimit, to));
  return message;
}
