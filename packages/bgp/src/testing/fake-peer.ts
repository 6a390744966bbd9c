import { createFramer } from '../core/codec/framer.js';
import { decodeMessage, encodeMessage, type BgpMessage, type MessageContext } from '../core/codec/message.js';
import type { OpenMessage } from '../core/codec/open.js';
import type { BgpDecodeError } from '../core/errors.js';
import type { MemorySocket } from './memory-network.js';
import { ipv4Number } from './prefixes.js';

/**
 * A scripted BGP peer on a memory socket: it records every message the session sends (decoded)
 * and sends whatever the test tells it to, well-formed or not. It does not run an FSM.
 */
export class FakePeer {
  readonly socket: MemorySocket;
  readonly received: BgpMessage[] = [];
  readonly errors: BgpDecodeError[] = [];
  ctx: MessageContext = { fourOctetAs: true, extendedMessage: false };
  closed = false;
  readonly #framer = createFramer({ maxLength: 65535 });

  constructor(socket: MemorySocket) {
    this.socket = socket;
    socket.on('data', (chunk: Uint8Array) => {
      this.#framer.push(chunk);
      for (let f = this.#framer.next(); f; f = this.#framer.next()) {
        try {
          this.received.push(decodeMessage(f, { ...this.ctx, extendedMessage: true }));
        } catch (err) {
          this.errors.push(err as BgpDecodeError);
        }
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** An OPEN as a router would send it. */
  static open(
    options: {
      asn?: number;
      holdTime?: number;
      routerId?: string;
      families?: (4 | 6)[];
      gracefulRestart?: boolean;
      extendedMessage?: boolean;
    } = {},
  ): OpenMessage {
    const asn = options.asn ?? 64512;
    return {
      type: 'open',
      version: 4,
      myAutonomousSystem: asn > 0xffff ? 23456 : asn,
      holdTime: options.holdTime ?? 9,
      bgpIdentifier: ipv4Number(options.routerId ?? '192.0.2.1'),
      optionalParameters: [
        {
          type: 'capabilities',
          capabilities: [
            ...(options.families ?? [4, 6]).map((f) => ({
              kind: 'multiprotocol' as const,
              afi: f === 4 ? 1 : 2,
              safi: 1,
            })),
            { kind: 'routeRefresh' as const },
            { kind: 'fourOctetAs' as const, asn },
            ...(options.extendedMessage ? [{ kind: 'extendedMessage' as const }] : []),
            ...(options.gracefulRestart
              ? [
                  {
                    kind: 'gracefulRestart' as const,
                    restartState: false,
                    notification: false,
                    restartTime: 120,
                    families: [],
                  },
                ]
              : []),
          ],
        },
      ],
    };
  }

  send(m: BgpMessage): void {
    this.socket.write(encodeMessage(m, this.ctx));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Messages of one type received so far. */
  of<T extends BgpMessage['type']>(type: T): Extract<BgpMessage, { type: T }>[] {
    return this.received.filter((m): m is Extract<BgpMessage, { type: T }> => m.type === type);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Lets queued microtasks (memory socket deliveries and what they trigger) run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
