// Recording fakes of the ports the speaker drives: they keep what the speaker wanted.
import type { Advertisement } from '@ironlb/bgp';
import type { SpeakerStatusStatus } from '@ironlb/config';
import type {
  BgpPort,
  L2Port,
  MemberSpec,
  MembershipPort,
  PeerSessionStatus,
  PeerSpec,
  StatusPort,
} from '../ports.js';

export class FakeL2Port implements L2Port {
  /** Every setOwned call: interface -> addresses, and the unclaimed ones. */
  readonly calls: { owned: Map<string, string[]>; unclaimed: string[] }[] = [];
  macs: string[] = ['02:00:00:00:00:01'];

  setOwned(owned: ReadonlyMap<string, readonly string[]>, options: { unclaimed: readonly string[] }): void {
    this.calls.push({
      owned: new Map([...owned].map(([k, v]) => [k, [...v].sort()])),
      unclaimed: [...options.unclaimed].sort(),
    });
  }

  /** Every reannounce call (undefined: all owned addresses). */
  readonly reannounced: (string[] | undefined)[] = [];

  reannounce(ips?: readonly string[]): void {
    this.reannounced.push(ips ? [...ips] : undefined);
  }

  hardwareAddresses(): string[] {
    return this.macs;
  }

  /** The addresses of the last call, all interfaces together, sorted. */
  get owned(): string[] {
    const last = this.calls.at(-1);
    return last ? [...new Set([...last.owned.values()].flat())].sort() : [];
  }
}

export class FakeBgpPort implements BgpPort {
  peers: readonly PeerSpec[] = [];
  node: { ipv4?: string; ipv6?: string } = {};
  readonly advertisements = new Map<string, readonly Advertisement[]>();
  readonly peerCalls: string[][] = [];
  sessionStates = new Map<string, PeerSessionStatus['state']>();

  setPeers(peers: readonly PeerSpec[], node: { ipv4?: string; ipv6?: string }): void {
    this.peers = peers;
    this.node = node;
    this.peerCalls.push(peers.map((p) => p.peer.name));
    for (const name of [...this.advertisements.keys()])
      if (!peers.some((p) => p.peer.name === name)) this.advertisements.delete(name);
  }

  setAdvertisements(peer: string, advertisements: readonly Advertisement[]): void {
    this.advertisements.set(peer, [...advertisements]);
  }

  sessions(): PeerSessionStatus[] {
    return this.peers.map((p) => ({
      peer: p.peer.name,
      peerAddress: p.peer.peerAddress.toString(),
      peerASN: p.peer.peerASN,
      state: this.sessionStates.get(p.peer.name) ?? 'Active',
    }));
  }

  /** Prefixes advertised to `peer`, sorted. */
  prefixes(peer: string): string[] {
    return (this.advertisements.get(peer) ?? []).map((a) => String(a.prefix)).sort();
  }
}

export class FakeMembershipPort implements MembershipPort {
  members: readonly MemberSpec[] = [];
  readonly calls: MemberSpec[][] = [];

  setMembers(members: readonly MemberSpec[]): void {
    this.members = members;
    this.calls.push([...members]);
  }
}

export class FakeStatusPort implements StatusPort {
  readonly writes: SpeakerStatusStatus[] = [];
  fail = false;

  async write(status: SpeakerStatusStatus): Promise<void> {
    if (this.fail) throw new Error('status write failed');
    this.writes.push(status);
  }

  get last(): SpeakerStatusStatus | undefined {
    return this.writes.at(-1);
  }
}
