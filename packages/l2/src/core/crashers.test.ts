import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError, fromHex } from '@ironlb/wire';
import { decodeL2Frame } from './frame.js';
import { respond } from './responder.js';

// The committed crasher corpus (packages/l2/test/crashers/README.md), replayed on every run.
const dir = new URL('../../test/crashers/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));

describe('crasher corpus', () => {
  it('is not empty', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: decode fails cleanly and the responder drops it', (file) => {
    const bytes = fromHex(readFileSync(new URL(file, dir), 'utf8'));
    try {
      decodeL2Frame(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
    }
    const r = respond(bytes, { mac: '02:00:00:00:00:02', phaseOf: () => 'answer' });
    expect(r.kind).toBe('drop');
  });
});
