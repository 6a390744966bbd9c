import { describe, expect, it } from 'vitest';
import { IPAddress } from '@ironlb/netaddr';
import { resolveAnnounceSchedule } from './announce-schedule.js';
import {
  advance,
  applyClaims,
  emptyAnnouncerState,
  nextWake,
  phaseOf,
  reannounce,
  reportConflict,
  type AnnouncerState,
  type Claim,
  type Step,
} from './announcer-state.js';

const ip = (s: string) => IPAddress.parse(s);
const V4 = ip('198.51.100.10');
const V6 = ip('2001:db8:100::10');
const V6b = ip('2001:db8:200::10'); // same solicited-node group as V6 (same low 24 bits)
const schedule = resolveAnnounceSchedule({
  gratuitousOffsetsMs: [0, 500, 2000],
  probe: { count: 2, intervalMs: 100, waitMs: 200 },
  defendIntervalMs: 10_000,
  conflictRetryMs: 30_000,
});
const claim = (ipa: IPAddress, ifname = 'eth0', probe = false): Claim => ({ ifname, ip: ipa, probe });

/** Actions and events as short strings, for one-line table rows. */
function summary(step: Step): string[] {
  return [
    ...step.actions.map((a) =>
      a.type === 'announce'
        ? `announce ${a.ifname} ${a.ip} ${a.round}`
        : a.type === 'probe'
          ? `probe ${a.ifname} ${a.ip} #${a.n}`
          : `${a.type} ${a.ifname} ${a.mac}`,
    ),
    ...step.events.map(
      (e) => `event ${e.type} ${e.ifname} ${e.ip}${e.type === 'conflict' ? ` ${e.outcome}` : ''}`,
    ),
  ];
}

describe('announcer state: transitions (manual clock)', () => {
  it('claim without probe: first round at once, the rest on schedule, then quiet', () => {
    let s: AnnouncerState = emptyAnnouncerState;
    const rows: [number, string[]][] = [];
    let step = applyClaims(s, [claim(V4)], 1000, schedule);
    rows.push([1000, summary(step)]);
    s = step.state;
    expect(phaseOf(s, 'eth0', V4)).toBe('answer');
    for (const t of [1499, 1500, 2999, 3000, 9000]) {
      step = advance(s, t, schedule);
      rows.push([t, summary(step)]);
      s = step.state;
    }
    expect(rows).toEqual([
      [1000, ['announce eth0 198.51.100.10 0', 'event claimed eth0 198.51.100.10']],
      [1499, []],
      [1500, ['announce eth0 198.51.100.10 1']],
      [2999, []],
      [3000, ['announce eth0 198.51.100.10 2']],
      [9000, []],
    ]);
    expect(nextWake(s)).toBeUndefined();
  });

  it('reannounce starts the rounds again for held addresses (all, or those named), probing ones excepted', () => {
    let s = applyClaims(
      emptyAnnouncerState,
      [claim(V4), claim(V6), claim(V6b, 'eth0', true)],
      0,
      schedule,
    ).state;
    // Run everything out: V6b is probed, then all three announce their rounds and go quiet.
    for (let t = nextWake(s); t !== undefined && t < 10_000; t = nextWake(s))
      s = advance(s, t, schedule).state;
    expect(nextWake(s)).toBeUndefined();
    const one = reannounce(s, [V4], 10_000, schedule);
    expect(summary(one)).toEqual(['announce eth0 198.51.100.10 0']);
    expect(summary(advance(one.state, 10_500, schedule))).toEqual(['announce eth0 198.51.100.10 1']);
    const all = reannounce(s, undefined, 10_000, schedule);
    expect(summary(all).sort()).toEqual(
      [
        'announce eth0 198.51.100.10 0',
        'announce eth0 2001:db8:100::10 0',
        'announce eth0 2001:db8:200::10 0',
      ].sort(),
    );
    const probing = applyClaims(emptyAnnouncerState, [claim(V4, 'eth0', true)], 0, schedule).state;
    expect(summary(reannounce(probing, undefined, 50, schedule))).toEqual([]);
    expect(summary(reannounce(s, [ip('198.51.100.99')], 10_000, schedule))).toEqual([]);
  });

  it('re-applying the same claims sends nothing; a dropped claim stops answering at once', () => {
    let s = applyClaims(emptyAnnouncerState, [claim(V4), claim(V6)], 0, schedule).state;
    const again = applyClaims(s, [claim(V6), claim(V4)], 10, schedule);
    expect(summary(again)).toEqual([]);
    s = again.state;
    const drop = applyClaims(s, [claim(V6)], 20, schedule);
    expect(summary(drop)).toEqual(['event released eth0 198.51.100.10']);
    expect(phaseOf(drop.state, 'eth0', V4)).toBeUndefined();
    expect(phaseOf(drop.state, 'eth0', V6)).toBe('answer');
  });

  it('IPv6: joins the solicited-node group once per group and interface, leaves with the last address', () => {
    const a = applyClaims(emptyAnnouncerState, [claim(V6), claim(V6b), claim(V6, 'eth1')], 0, schedule);
    expect(summary(a).filter((x) => x.startsWith('joinGroup'))).toEqual([
      'joinGroup eth0 33:33:ff:00:00:10',
      'joinGroup eth1 33:33:ff:00:00:10',
    ]);
    const b = applyClaims(a.state, [claim(V6b), claim(V6, 'eth1')], 1, schedule);
    expect(summary(b)).toEqual(['event released eth0 2001:db8:100::10']);
    const c = applyClaims(b.state, [], 2, schedule);
    expect(summary(c)).toEqual([
      'leaveGroup eth0 33:33:ff:00:00:10',
      'leaveGroup eth1 33:33:ff:00:00:10',
      'event released eth0 2001:db8:200::10',
      'event released eth1 2001:db8:100::10',
    ]);
  });

  it('claim with probe: probes, then claims and announces when nobody answered', () => {
    let step = applyClaims(emptyAnnouncerState, [claim(V4, 'eth0', true)], 0, schedule);
    expect(summary(step)).toEqual(['probe eth0 198.51.100.10 #0', 'event probeStarted eth0 198.51.100.10']);
    expect(phaseOf(step.state, 'eth0', V4)).toBe('probing');
    const seen: [number, string[]][] = [];
    let s = step.state;
    for (const t of [100, 299, 300, 800]) {
      step = advance(s, t, schedule);
      seen.push([t, summary(step)]);
      s = step.state;
    }
    expect(seen).toEqual([
      [100, ['probe eth0 198.51.100.10 #1']],
      [299, []],
      [300, ['announce eth0 198.51.100.10 0', 'event claimed eth0 198.51.100.10']],
      [800, ['announce eth0 198.51.100.10 1']],
    ]);
    expect(phaseOf(s, 'eth0', V4)).toBe('answer');
  });

  it('a conflict while probing blocks the address, which is probed again after conflictRetryMs', () => {
    const s0 = applyClaims(emptyAnnouncerState, [claim(V6, 'eth0', true)], 0, schedule).state;
    const c = reportConflict(
      s0,
      { ifname: 'eth0', ip: V6, mac: '02:00:00:00:00:09', evidence: 'dadProbe' },
      50,
      schedule,
    );
    expect(summary(c)).toEqual(['event conflict eth0 2001:db8:100::10 notClaimed']);
    expect(phaseOf(c.state, 'eth0', V6)).toBe('probing'); // not answered
    expect(summary(advance(c.state, 5000, schedule))).toEqual([]);
    expect(nextWake(c.state)).toBe(30_050);
    const retry = advance(c.state, 30_050, schedule);
    expect(summary(retry)).toEqual([
      'probe eth0 2001:db8:100::10 #0',
      'event probeStarted eth0 2001:db8:100::10',
    ]);
  });

  it('a conflict while owning is defended with one round, at most every defendIntervalMs', () => {
    const s0 = applyClaims(emptyAnnouncerState, [claim(V4)], 0, schedule).state;
    const conflict = { ifname: 'eth0', ip: V4, mac: '02:00:00:00:00:09', evidence: 'arpSender' as const };
    const a = reportConflict(s0, conflict, 100, schedule);
    expect(summary(a)).toEqual([
      'announce eth0 198.51.100.10 defend',
      'event conflict eth0 198.51.100.10 defended',
    ]);
    expect(summary(reportConflict(a.state, conflict, 5000, schedule))).toEqual([]);
    expect(summary(reportConflict(a.state, conflict, 10_100, schedule))).toHaveLength(2);
    expect(phaseOf(a.state, 'eth0', V4)).toBe('answer');
  });

  it('conflicts on addresses not held change nothing', () => {
    const s0 = applyClaims(emptyAnnouncerState, [claim(V4)], 0, schedule).state;
    const r = reportConflict(
      s0,
      { ifname: 'eth1', ip: V4, mac: '02:00:00:00:00:09', evidence: 'arpSender' },
      1,
      schedule,
    );
    expect(r.state).toBe(s0);
  });

  it('a late timer sends one round and skips the missed ones (no burst)', () => {
    const s0 = applyClaims(emptyAnnouncerState, [claim(V4)], 0, schedule).state;
    const late = advance(s0, 2500, schedule);
    expect(summary(late)).toEqual(['announce eth0 198.51.100.10 1']);
    expect(nextWake(late.state)).toBeUndefined();
  });

  it('does not mutate its input state', () => {
    const s0 = applyClaims(emptyAnnouncerState, [claim(V4), claim(V6)], 0, schedule).state;
    const before = JSON.stringify([...s0.entries], (_k, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    applyClaims(s0, [], 1, schedule);
    advance(s0, 10_000, schedule);
    reportConflict(
      s0,
      { ifname: 'eth0', ip: V4, mac: '02:00:00:00:00:09', evidence: 'arpSender' },
      1,
      schedule,
    );
    expect(JSON.stringify([...s0.entries], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toBe(
      before,
    );
    expect(s0.groups.get('eth0')?.size).toBe(1);
  });
});
