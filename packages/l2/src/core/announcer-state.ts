import type { IPAddress } from '@ironlb/netaddr';
import { solicitedNodeMac } from './addresses.js';
import { announceTime, probeTime, type AnnounceSchedule } from './announce-schedule.js';
import type { MacAddress } from './mac.js';
import type { ConflictEvidence, OwnershipPhase } from './responder.js';

/**
 * The announcer's decisions as a pure state machine: which addresses are held on which
 * interface, in which phase, and what to send when. `node/announcer.ts` feeds it desired
 * claims, the clock and conflicts seen by the responder, and carries out its actions.
 *
 *   (new claim, probe wanted) -> probing --probes unanswered--> announcing --rounds done--> (quiet)
 *   (new claim, no probe)     -------------------------------> announcing
 *   probing --conflict--> blocked --conflictRetryMs--> probing
 *   announcing --conflict--> announcing (+ one defending round, at most every defendIntervalMs)
 *   any --claim withdrawn--> (gone: no more answers, group left)
 */

/** One address wanted on one interface. */
export interface Claim {
  readonly ifname: string;
  readonly ip: IPAddress;
  /** Check that nobody uses it before claiming (the address was not owned by anyone). */
  readonly probe: boolean;
}

export type EntryPhase = 'probing' | 'announcing' | 'blocked';

export interface Entry {
  readonly ifname: string;
  readonly ip: IPAddress;
  readonly phase: EntryPhase;
  /** When the current phase started. */
  readonly since: number;
  /** Probes sent (probing) or announcement rounds sent (announcing). */
  readonly step: number;
  /** When this entry next needs attention; undefined when quiet. */
  readonly nextAt: number | undefined;
  readonly lastDefendAt: number | undefined;
}

export interface AnnouncerState {
  readonly entries: ReadonlyMap<string, Entry>;
  /** Per interface, link-layer multicast groups joined and how many entries need each. */
  readonly groups: ReadonlyMap<string, ReadonlyMap<MacAddress, number>>;
}

export type AnnouncerAction =
  | {
      readonly type: 'announce';
      readonly ifname: string;
      readonly ip: IPAddress;
      readonly round: number | 'defend';
    }
  | { readonly type: 'probe'; readonly ifname: string; readonly ip: IPAddress; readonly n: number }
  | { readonly type: 'joinGroup'; readonly ifname: string; readonly mac: MacAddress }
  | { readonly type: 'leaveGroup'; readonly ifname: string; readonly mac: MacAddress };

/** What the speaker hears about (log events, metrics, Kubernetes Events). */
export type AnnouncerEvent =
  | { readonly type: 'probeStarted'; readonly ifname: string; readonly ip: IPAddress }
  | { readonly type: 'claimed'; readonly ifname: string; readonly ip: IPAddress; readonly probed: boolean }
  | { readonly type: 'released'; readonly ifname: string; readonly ip: IPAddress }
  | {
      readonly type: 'conflict';
      readonly ifname: string;
      readonly ip: IPAddress;
      /** The other host's MAC. */
      readonly mac: MacAddress;
      readonly evidence: ConflictEvidence;
      /**
       * `notClaimed`: found while probing; the address is not announced and is probed again
       * after `conflictRetryMs`. `defended`: found while owning; one more announcement round
       * went out to pull caches back.
       */
      readonly outcome: 'notClaimed' | 'defended';
    };

export interface Step {
  readonly state: AnnouncerState;
  readonly actions: readonly AnnouncerAction[];
  readonly events: readonly AnnouncerEvent[];
}

export const emptyAnnouncerState: AnnouncerState = { entries: new Map(), groups: new Map() };

export function entryKey(ifname: string, ip: IPAddress | string): string {
  return `${ifname}|${typeof ip === 'string' ? ip : ip.toString()}`;
}

/** How the responder should treat `ip` on `ifname` (blocked addresses are not answered either). */
export function phaseOf(
  state: AnnouncerState,
  ifname: string,
  ip: IPAddress | string,
): OwnershipPhase | undefined {
  const e = state.entries.get(entryKey(ifname, ip));
  if (!e) return undefined;
  return e.phase === 'announcing' ? 'answer' : 'probing';
}

/** The earliest time an entry needs attention, or undefined when all are quiet. */
export function nextWake(state: AnnouncerState): number | undefined {
  let min: number | undefined;
  for (const e of state.entries.values())
    if (e.nextAt !== undefined && (min === undefined || e.nextAt < min)) min = e.nextAt;
  return min;
}

class StepBuilder {
  readonly entries: Map<string, Entry>;
  readonly groups: Map<string, Map<MacAddress, number>>;
  readonly actions: AnnouncerAction[] = [];
  readonly events: AnnouncerEvent[] = [];

  constructor(state: AnnouncerState) {
    this.entries = new Map(state.entries);
    this.groups = new Map([...state.groups].map(([k, v]) => [k, new Map(v)]));
  }

  join(ifname: string, ip: IPAddress): void {
    if (ip.family !== 6) return;
    const mac = solicitedNodeMac(ip);
    const g = this.groups.get(ifname) ?? new Map<MacAddress, number>();
    this.groups.set(ifname, g);
    const n = g.get(mac) ?? 0;
    g.set(mac, n + 1);
    if (n === 0) this.actions.push({ type: 'joinGroup', ifname, mac });
  }

  leave(ifname: string, ip: IPAddress): void {
    if (ip.family !== 6) return;
    const mac = solicitedNodeMac(ip);
    const g = this.groups.get(ifname);
    const n = g?.get(mac) ?? 0;
    if (!g || n === 0) return;
    if (n === 1) {
      g.delete(mac);
      if (g.size === 0) this.groups.delete(ifname);
      this.actions.push({ type: 'leaveGroup', ifname, mac });
    } else {
      g.set(mac, n - 1);
    }
  }

  finish(): Step {
    return {
      state: { entries: this.entries, groups: this.groups },
      actions: this.actions,
      events: this.events,
    };
  }
}

/**
 * Makes the held addresses equal `claims`. New addresses are probed or announced at once (the
 * first announcement is among the returned actions); addresses that stay are left alone, so
 * re-applying the same claims sends nothing; dropped addresses are forgotten at once.
 */
export function applyClaims(
  state: AnnouncerState,
  claims: readonly Claim[],
  now: number,
  schedule: AnnounceSchedule,
): Step {
  const b = new StepBuilder(state);
  const wanted = new Map<string, Claim>();
  for (const c of claims) wanted.set(entryKey(c.ifname, c.ip), c);
  for (const [key, e] of state.entries) {
    if (wanted.has(key)) continue;
    b.entries.delete(key);
    b.leave(e.ifname, e.ip);
    b.events.push({ type: 'released', ifname: e.ifname, ip: e.ip });
  }
  for (const [key, c] of wanted) {
    if (state.entries.has(key)) continue;
    b.join(c.ifname, c.ip);
    const probing = c.probe && schedule.probe !== false;
    b.entries.set(key, {
      ifname: c.ifname,
      ip: c.ip,
      phase: probing ? 'probing' : 'announcing',
      since: now,
      step: 0,
      nextAt: now,
      lastDefendAt: undefined,
    });
    if (probing) b.events.push({ type: 'probeStarted', ifname: c.ifname, ip: c.ip });
    else b.events.push({ type: 'claimed', ifname: c.ifname, ip: c.ip, probed: false });
  }
  return advanceWith(b, now, schedule);
}

/** Carries out everything due at `now`: probes, announcement rounds, the end of a probe, retries. */
export function advance(state: AnnouncerState, now: number, schedule: AnnounceSchedule): Step {
  return advanceWith(new StepBuilder(state), now, schedule);
}

function advanceWith(b: StepBuilder, now: number, schedule: AnnounceSchedule): Step {
  for (const [key, e] of b.entries) {
    if (e.nextAt === undefined || e.nextAt > now) continue;
    b.entries.set(key, due(b, e, now, schedule));
  }
  return b.finish();
}

function due(b: StepBuilder, e: Entry, now: number, schedule: AnnounceSchedule): Entry {
  switch (e.phase) {
    case 'blocked':
      b.events.push({ type: 'probeStarted', ifname: e.ifname, ip: e.ip });
      return due(b, { ...e, phase: 'probing', since: now, step: 0, nextAt: now }, now, schedule);
    case 'probing': {
      const count = schedule.probe === false ? 0 : schedule.probe.count;
      if (e.step < count) {
        b.actions.push({ type: 'probe', ifname: e.ifname, ip: e.ip, n: e.step });
        return { ...e, step: e.step + 1, nextAt: probeTime(schedule, e.since, e.step + 1) };
      }
      b.events.push({ type: 'claimed', ifname: e.ifname, ip: e.ip, probed: true });
      return due(b, { ...e, phase: 'announcing', since: now, step: 0, nextAt: now }, now, schedule);
    }
    case 'announcing': {
      b.actions.push({ type: 'announce', ifname: e.ifname, ip: e.ip, round: e.step });
      let step = e.step + 1;
      let next = announceTime(schedule, e.since, step);
      // Late timer: skip rounds already in the past instead of bursting them.
      while (next !== undefined && next <= now) next = announceTime(schedule, e.since, ++step);
      return { ...e, step, nextAt: next };
    }
  }
}

/**
 * Starts the announcement schedule again, from its first round now, for the given addresses
 * this node holds and answers for (all of them when `ips` is undefined). For the speaker: when
 * a partition heals, other nodes may have taken an address over meanwhile and pulled the
 * neighbours' caches to themselves; the owner then pulls them back. Probing and blocked
 * addresses are left alone.
 */
export function reannounce(
  state: AnnouncerState,
  ips: Iterable<IPAddress> | undefined,
  now: number,
  schedule: AnnounceSchedule,
): Step {
  const wanted = ips === undefined ? undefined : new Set([...ips].map((a) => a.toString()));
  const b = new StepBuilder(state);
  for (const [key, e] of state.entries) {
    if (e.phase !== 'announcing' || (wanted && !wanted.has(e.ip.toString()))) continue;
    b.entries.set(key, { ...e, since: now, step: 0, nextAt: now });
  }
  return advanceWith(b, now, schedule);
}

/**
 * Another host uses `ip` (the responder saw it). While probing, the address is not claimed;
 * while owning, one extra announcement round defends it, at most every `defendIntervalMs`
 * (RFC 5227 section 2.4 (b)). Conflicts on addresses not held, or already blocked, change nothing.
 */
export function reportConflict(
  state: AnnouncerState,
  conflict: { ifname: string; ip: IPAddress; mac: MacAddress; evidence: ConflictEvidence },
  now: number,
  schedule: AnnounceSchedule,
): Step {
  const key = entryKey(conflict.ifname, conflict.ip);
  const e = state.entries.get(key);
  if (!e || e.phase === 'blocked') return { state, actions: [], events: [] };
  const b = new StepBuilder(state);
  if (e.phase === 'probing') {
    b.entries.set(key, {
      ...e,
      phase: 'blocked',
      since: now,
      step: 0,
      nextAt: now + schedule.conflictRetryMs,
    });
    b.events.push({ ...conflict, type: 'conflict', outcome: 'notClaimed' });
    return b.finish();
  }
  if (e.lastDefendAt !== undefined && now - e.lastDefendAt < schedule.defendIntervalMs)
    return { state, actions: [], events: [] };
  b.entries.set(key, { ...e, lastDefendAt: now });
  b.actions.push({ type: 'announce', ifname: e.ifname, ip: e.ip, round: 'defend' });
  b.events.push({ ...conflict, type: 'conflict', outcome: 'defended' });
  return b.finish();
}
