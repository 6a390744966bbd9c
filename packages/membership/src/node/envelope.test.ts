import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { fromHex } from '@ironlb/wire';
import { arbMessage } from '../testing/arbitraries.js';
import { open, seal } from './envelope.js';
import { Keyring, keyIdOf } from './keyring.js';

const captured = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'captured');
const TEST_KEY = new Uint8Array(32).fill(0x5a);

describe('envelope', () => {
  it('verifies the tags of the captured datagrams with the documented test key', () => {
    const keyring = new Keyring({ current: TEST_KEY });
    const files = readdirSync(captured).filter((f) => f.endsWith('.hex'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const result = open(fromHex(readFileSync(join(captured, f), 'utf8')), keyring);
      expect(result.ok, f).toBe(true);
    }
    const other = new Keyring({ current: new Uint8Array(32).fill(1) });
    expect(open(fromHex(readFileSync(join(captured, files[0]!), 'utf8')), other)).toEqual({
      ok: false,
      reason: 'unknownKey',
    });
  });

  test.prop([arbMessage, fc.nat({ max: 0xffffffff }), fc.nat()])(
    'open(seal(x)) gives x back; any single changed byte is rejected',
    (message, seq, position) => {
      const keyring = new Keyring({ current: TEST_KEY });
      const bytes = seal(message, { keyring, epoch: 1, seq, timestamp: 2 });
      const opened = open(bytes, keyring);
      expect(opened).toEqual({
        ok: true,
        packet: { header: { keyId: keyIdOf(TEST_KEY), epoch: 1, seq, timestamp: 2 }, message },
      });
      const tampered = bytes.slice();
      const at = position % bytes.length;
      tampered[at] = tampered[at]! ^ 0x01;
      expect(open(tampered, keyring).ok).toBe(false);
    },
  );

  it('accepts the previous key during a rotation and signs with the current one', () => {
    const oldKey = new Uint8Array(32).fill(1);
    const newKey = new Uint8Array(32).fill(2);
    const message = { type: 'gossip' as const, sender: 'a', incarnation: 1, gossip: [] };
    const oldSide = new Keyring({ current: oldKey });
    const rotating = new Keyring({ current: newKey, previous: oldKey });
    const fromOld = seal(message, { keyring: oldSide, epoch: 1, seq: 1, timestamp: 1 });
    expect(open(fromOld, rotating).ok).toBe(true);
    const fromRotating = seal(message, { keyring: rotating, epoch: 1, seq: 1, timestamp: 1 });
    expect(open(fromRotating, oldSide)).toEqual({ ok: false, reason: 'unknownKey' });
    expect(open(fromRotating, new Keyring({ current: oldKey, previous: newKey })).ok).toBe(true);
  });
});
