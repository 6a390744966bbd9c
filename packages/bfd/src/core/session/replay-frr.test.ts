import { readFileSync } from 'node:fs';
import { fromHex } from '@ironlb/wire';
import { describe, expect, it } from 'vitest';
import { decodeControlPacket } from '../codec/control-packet.js';
import { BfdState } from '../constants.js';
import { checkControlPacket } from '../receive-checks.js';
import { config, MS, run, sends } from '../../testing/session-builders.js';
import type { SessionEvent } from './session-types.js';
import { initSession } from './step.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);

function frr(name: string, now: number): SessionEvent {
  const bytes = fromHex(readFileSync(new URL(`frr-8.4.4-${name}.hex`, fixtures), 'utf8'));
  const decoded = decodeControlPacket(bytes);
  expect(checkControlPacket(decoded.packet)).toBeUndefined();
  return { type: 'PacketReceived', now, packet: decoded.packet, bytes: decoded.bytes };
}

describe('FRR bfdd 8.4.4 packets, replayed in the order it sent them', () => {
  // Our discriminator was 0xece26ceb in that capture.
  const start = initSession(config({ localDiscriminator: 0xece26ceb }), 0).state;

  it('Init takes us Up; its Poll gets our Final; its Final ends our Poll', () => {
    const init = run(start, frr('init', 1 * MS));
    expect(init.state.sessionState).toBe(BfdState.Up);
    expect(init.state.pollActive).toBe(true);
    const poll = run(init.state, frr('up-poll', 2 * MS));
    expect(sends(poll.actions).map((a) => [a.reason, a.packet.final, a.packet.poll])).toEqual([
      ['final', true, false],
    ]);
    const fin = run(poll.state, frr('up-final', 3 * MS));
    expect(fin.state.pollActive).toBe(false);
    expect(fin.actions).toContainEqual({ type: 'pollTerminated' });
    expect(fin.state.remoteMinRxInterval).toBe(100 * MS);
    const periodic = run(fin.state, frr('up', 90 * MS));
    expect(periodic.actions.filter((a) => a.type !== 'setTimer')).toEqual([]);
  });

  it('a Poll for its larger transmit interval lengthens our detection time', () => {
    const up = run(start, frr('init', 1 * MS), frr('up-poll', 2 * MS), frr('up-final', 3 * MS)).state;
    const r = run(up, frr('up-poll-tx200', 1000 * MS));
    expect(r.state.remoteDesiredMinTxInterval).toBe(200 * MS);
    expect(r.state.detectAt).toBe(1000 * MS + 600 * MS);
  });

  it('its AdminDown takes us Down with diagnostic 3; we keep answering', () => {
    const up = run(start, frr('init', 1 * MS), frr('up-poll', 2 * MS), frr('up-final', 3 * MS)).state;
    const r = run(up, frr('admindown', 100 * MS));
    expect(r.state.sessionState).toBe(BfdState.Down);
    expect(r.state.localDiag).toBe(3);
    const again = run(r.state, frr('admindown-final', 101 * MS));
    expect(again.state.sessionState).toBe(BfdState.Down);
  });
});
