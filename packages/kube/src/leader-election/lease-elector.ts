// Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm and timings.
//
// Candidate: every retryPeriod (with up to 20% jitter), read the lease. Take it when it is
// absent, released (no holder) or expired: its record has not changed for leaseDuration as
// measured on *our* clock since we first saw that record (so clock skew between replicas does
// not matter). Writes use the lease's resourceVersion, so two candidates cannot both win.
//
// Leader: renew every retryPeriod. The term ends at once when a renewal finds another holder,
// and when renewDeadline passes without a successful renewal, measured from when the last
// successful renewal was *sent* (a timer, so a hanging request cannot keep us leading). Since
// renewDeadline < leaseDuration, we stop writing before anyone else may start.
//
// stop() releases the lease (empty holder, leaseDurationSeconds 1) so a standby takes over
// without waiting for expiry.
import type { Logger } from 'pino';
import { microTime, systemClock } from '../clock.js';
import type { Clock, Timer } from '../clock.js';
import { KubeOptionError, isAlreadyExists, isConflict } from '../errors.js';
import type { RuntimeMetrics } from '../metrics.js';
import type { Lease, LeaseClient, LeaseSpec } from './lease-client.js';
import type { LeaderElector } from './types.js';
import { LeadershipState } from './types.js';

export interface LeaseElectorOptions {
  client: LeaseClient;
  namespace: string;
  name: string;
  /** Unique per replica, e.g. the pod name plus a random suffix. */
  identity: string;
  /** How long a lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long a leader keeps trying to renew before it steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** Interval between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Campaign again after losing the lease (default true). */
  recampaign?: boolean;
  clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random); tests pass a constant. */
  random?: () => number;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

const JITTER = 0.2;

type AttemptOutcome = 'acquired' | 'renewed' | 'heldByOther' | 'lostRace' | 'error';

export class LeaseLeaderElector implements LeaderElector {
  readonly identity: string;
  readonly #o: Required<Omit<LeaseElectorOptions, 'logger' | 'metrics'>> &
    Pick<LeaseElectorOptions, 'metrics'>;
  readonly #logger?: Logger;
  readonly #state = new LeadershipState();
  readonly #leaseLabel: string;

  #running = false;
  /** Incremented on every state change, so late answers of old attempts are ignored. */
  #epoch = 0;
  #retryTimer?: Timer;
  #deadlineTimer?: Timer;
  #inFlight?: Promise<void>;
  /** The last lease we saw, and when (our clock) its record last changed. */
  #observed?: { lease: Lease; recordKey: string; at: number };

  constructor(options: LeaseElectorOptions) {
    this.identity = options.identity;
    this.#o = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      recampaign: true,
      clock: systemClock,
      random: Math.random,
      ...options,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.#o;
    if (!(leaseDurationMs > renewDeadlineMs))
      throw new KubeOptionError(
        `leaseDuration (${leaseDurationMs} ms) must be longer than renewDeadline (${renewDeadlineMs} ms)`,
      );
    if (!(renewDeadlineMs > retryPeriodMs * (1 + JITTER)))
      throw new KubeOptionError(
        `renewDeadline (${renewDeadlineMs} ms) must be longer than retryPeriod * ${1 + JITTER} (${retryPeriodMs * (1 + JITTER)} ms)`,
      );
    if (!options.identity) throw new KubeOptionError('identity must not be empty');
    this.#leaseLabel = `${options.namespace}/${options.name}`;
    this.#logger = options.logger?.child({
      component: 'leader-election',
      lease: this.#leaseLabel,
      identity: options.identity,
    });
  }

  isLeader(): boolean {
    return this.#state.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    return this.#state.subscribe(listener);
  }

  termSignal(): AbortSignal {
    return this.#state.signal();
  }

  /** The holder of the lease as last read (for logs and status; empty when released). */
  observedHolder(): string | undefined {
    return this.#observed?.lease.spec?.holderIdentity;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#epoch++;
    this.#retryTimer?.cancel();
    this.#deadlineTimer?.cancel();
    this.#setLeading(false, 'stopped');
    // An attempt in flight may still win the lease after this point: wait for it (bounded, a
    // hung API server must not block shutdown), then release whatever we hold.
    await this.#bounded(this.#inFlight?.catch(() => undefined));
    await this.#bounded(this.#release());
  }

  /** Waits for `p`, but at most one retry period. */
  async #bounded(p: Promise<void> | undefined): Promise<void> {
    if (!p) return;
    let timer: Timer | undefined;
    const limit = new Promise<void>(
      (resolve) => (timer = this.#o.clock.setTimer(this.#o.retryPeriodMs, resolve)),
    );
    await Promise.race([p, limit]);
    timer?.cancel();
  }

  #schedule(ms: number): void {
    this.#retryTimer?.cancel();
    this.#retryTimer = this.#o.clock.setTimer(ms, () => {
      this.#inFlight = this.#tick();
    });
  }

  #jittered(): number {
    return this.#o.retryPeriodMs * (1 + JITTER * this.#o.random());
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    const epoch = this.#epoch;
    const sentAt = this.#o.clock.now();
    const outcome = await this.#tryAcquireOrRenew();
    if (epoch !== this.#epoch || !this.#running) return; // stopped or stepped down meanwhile
    switch (outcome) {
      case 'acquired':
      case 'renewed':
        if (!this.#state.leading) this.#setLeading(true, 'acquired');
        this.#armDeadline(sentAt);
        this.#schedule(this.#o.retryPeriodMs);
        return;
      case 'heldByOther':
        if (this.#state.leading) this.#stepDown('leaseHeldByOther');
        break;
      case 'lostRace':
      case 'error':
        // A leader keeps trying until its renew deadline fires.
        break;
    }
    if (this.#running) this.#schedule(this.#state.leading ? this.#o.retryPeriodMs : this.#jittered());
  }

  #armDeadline(renewSentAt: number): void {
    this.#deadlineTimer?.cancel();
    const due = renewSentAt + this.#o.renewDeadlineMs - this.#o.clock.now();
    this.#deadlineTimer = this.#o.clock.setTimer(due, () => this.#stepDown('renewDeadlineExceeded'));
  }

  #stepDown(reason: string): void {
    this.#epoch++;
    this.#deadlineTimer?.cancel();
    this.#setLeading(false, reason);
    if (this.#o.recampaign && this.#running) this.#schedule(this.#jittered());
    else this.#running = false;
  }

  #setLeading(leading: boolean, reason: string): void {
    if (leading === this.#state.leading) return;
    const metrics = this.#o.metrics;
    metrics?.leaderIsLeader.set({ lease: this.#leaseLabel }, leading ? 1 : 0);
    metrics?.leaderTransitions.inc({ lease: this.#leaseLabel, direction: leading ? 'acquired' : 'lost' });
    this.#logger?.info(
      { event: leading ? 'startedLeading' : 'stoppedLeading', reason },
      leading ? 'started leading' : 'stopped leading',
    );
    this.#state.set(leading, (err) =>
      this.#logger?.error({ event: 'listenerThrew', err }, 'leadership listener threw'),
    );
  }

  #observe(lease: Lease): void {
    const spec = lease.spec ?? {};
    const recordKey = JSON.stringify([
      spec.holderIdentity ?? '',
      spec.renewTime ?? '',
      spec.acquireTime ?? '',
      spec.leaseTransitions ?? 0,
    ]);
    if (this.#observed?.recordKey !== recordKey)
      this.#observed = { lease, recordKey, at: this.#o.clock.now() };
    else this.#observed = { ...this.#observed, lease };
  }

  async #tryAcquireOrRenew(): Promise<AttemptOutcome> {
    const { client, namespace, name, clock, leaseDurationMs } = this.#o;
    const now = clock.now();
    const mine: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const current = await client.get(namespace, name);
      if (!current) {
        const created = await client.create({ metadata: { name, namespace }, spec: mine });
        this.#observe(created);
        return 'acquired';
      }
      this.#observe(current);
      const spec = current.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const observedAt = this.#observed?.at ?? now;
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(leaseDurationMs / 1000)) * 1000;
      if (holder !== '' && holder !== this.identity && observedAt + durationMs > clock.now())
        return 'heldByOther';
      const renewing = holder === this.identity;
      if (!renewing && this.#state.leading) return 'heldByOther';
      const next: Lease = {
        metadata: { name, namespace, resourceVersion: current.metadata.resourceVersion },
        spec: {
          ...mine,
          acquireTime: renewing ? (spec.acquireTime ?? mine.acquireTime) : mine.acquireTime,
          leaseTransitions: renewing ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        },
      };
      const written = await client.replace(next);
      this.#observe(written);
      return renewing ? 'renewed' : 'acquired';
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) {
        this.#logger?.debug({ event: 'leaseRaceLost' }, 'another replica wrote the lease first');
        return 'lostRace';
      }
      this.#logger?.warn({ event: 'leaseError', err }, 'could not read or write the lease');
      return 'error';
    }
  }

  async #release(): Promise<void> {
    const { client, namespace, name, clock } = this.#o;
    try {
      const current = await client.get(namespace, name);
      if (!current || current.spec?.holderIdentity !== this.identity) return;
      const now = microTime(clock.now());
      await client.replace({
        metadata: { name, namespace, resourceVersion: current.metadata.resourceVersion },
        spec: {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: current.spec?.leaseTransitions ?? 0,
        },
      });
      this.#logger?.info({ event: 'leaseReleased' }, 'released the lease');
    } catch (err) {
      this.#logger?.warn({ event: 'leaseReleaseFailed', err }, 'could not release the lease; it will expire');
    }
  }
}
