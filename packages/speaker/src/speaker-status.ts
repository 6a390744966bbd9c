// The SpeakerStatus of this node (one object per node, named after it): BGP sessions, the
// addresses announced and how, the speakers seen, and conditions. Built from the planner and
// the ports; written only when something but the timestamp changed, and rate-limited by the
// StatusPublisher.
import type {
  SpeakerAnnouncement,
  SpeakerBGPSession,
  SpeakerMember,
  SpeakerStatusStatus,
} from '@ironlb/config';
import { kubeTime, setCondition, type Condition } from '@ironlb/kube';
import type { Planner } from './planner.js';

/** At most this many announcements are listed (`announcedIPs` has the full count). */
export const MAX_LISTED_ANNOUNCEMENTS = 1000;

export interface StatusInputs {
  readonly planner: Planner;
  readonly sessions: readonly SpeakerBGPSession[];
  readonly members: readonly SpeakerMember[];
  readonly ready: { readonly status: boolean; readonly reason: string; readonly message: string };
  readonly quorum: { readonly has: boolean; readonly reachable: number; readonly total: number };
  readonly previousConditions: readonly Condition[] | undefined;
  readonly now: number;
}

/** The status without `lastUpdateTime` (compared to decide whether to write). */
export function buildSpeakerStatus(inputs: StatusInputs): Omit<SpeakerStatusStatus, 'lastUpdateTime'> {
  const { planner } = inputs;
  const announcements: SpeakerAnnouncement[] = [];
  const ips = new Set<string>();
  for (const [ip, a] of planner.l2Announced()) {
    ips.add(ip);
    announcements.push({
      ip,
      protocol: 'layer2',
      interfaces: [...(a.interfaces ?? ['*'])],
      ...serviceRef(a.services[0]),
    });
  }
  for (const [ip, a] of planner.bgpAnnounced()) {
    ips.add(ip);
    announcements.push({ ip, protocol: 'bgp', peers: [...(a.peers ?? [])], ...serviceRef(a.services[0]) });
  }
  announcements.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.protocol < b.protocol ? -1 : 1));
  let conditions = setCondition(
    inputs.previousConditions,
    {
      type: 'Ready',
      status: inputs.ready.status ? 'True' : 'False',
      reason: inputs.ready.reason,
      message: inputs.ready.message,
    },
    inputs.now,
  );
  conditions = setCondition(
    conditions,
    {
      type: 'Quorum',
      status: inputs.quorum.has ? 'True' : 'False',
      reason: inputs.quorum.has ? 'MajorityReachable' : 'MajorityUnreachable',
      message: `${inputs.quorum.reachable} of ${inputs.quorum.total} speakers reachable`,
    },
    inputs.now,
  );
  return {
    announcedIPs: ips.size,
    bgpSessionsEstablished: inputs.sessions.filter((s) => s.state === 'Established').length,
    bgpSessionsConfigured: inputs.sessions.length,
    membersAlive: inputs.members.filter((m) => m.state === 'Alive' || m.state === 'Suspect').length,
    bgpSessions: [...inputs.sessions].sort((a, b) => (a.peer < b.peer ? -1 : 1)),
    announcements: announcements.slice(0, MAX_LISTED_ANNOUNCEMENTS),
    members: [...inputs.members].sort((a, b) => (a.node < b.node ? -1 : 1)),
    conditions,
  };
}

function serviceRef(key: string | undefined): { service?: { namespace: string; name: string } } {
  if (key === undefined) return {};
  const slash = key.indexOf('/');
  return { service: { namespace: key.slice(0, slash), name: key.slice(slash + 1) } };
}

export interface StatusPublisherOptions {
  readonly write: (status: SpeakerStatusStatus) => Promise<void>;
  readonly clock: { now(): number; setTimer(ms: number, fn: () => void): { cancel(): void } };
  /** Least time between two writes. */
  readonly minIntervalMs: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Writes the status when it changed, at most once per `minIntervalMs` (the last change in a
 * burst is always written), one write at a time.
 */
export class StatusPublisher {
  readonly #o: StatusPublisherOptions;
  #pending: Omit<SpeakerStatusStatus, 'lastUpdateTime'> | undefined;
  #lastJson = '';
  #lastWriteAt = -Infinity;
  #timer: { cancel(): void } | undefined;
  #writing = false;
  #closed = false;
  /** Writes done (tests and metrics). */
  writes = 0;

  constructor(options: StatusPublisherOptions) {
    this.#o = options;
  }

  /** Offers the current status; it is written if it differs from the last one written. */
  offer(status: Omit<SpeakerStatusStatus, 'lastUpdateTime'>): void {
    if (this.#closed) return;
    if (JSON.stringify(status) === this.#lastJson) {
      this.#pending = undefined;
      return;
    }
    this.#pending = status;
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }

  #schedule(): void {
    if (this.#timer || this.#writing || !this.#pending) return;
    const wait = Math.max(0, this.#lastWriteAt + this.#o.minIntervalMs - this.#o.clock.now());
    this.#timer = this.#o.clock.setTimer(wait, () => {
      this.#timer = undefined;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const status = this.#pending;
    if (!status || this.#closed) return;
    this.#pending = undefined;
    this.#writing = true;
    const json = JSON.stringify(status);
    const now = this.#o.clock.now();
    this.#lastWriteAt = now;
    try {
      await this.#o.write({ ...status, lastUpdateTime: kubeTime(now) });
      this.#lastJson = json;
      this.writes++;
    } catch (err) {
      this.#o.onError?.(err);
      this.#pending ??= status;
    } finally {
      this.#writing = false;
    }
    this.#schedule();
  }
}
