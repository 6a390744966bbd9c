// Golden frames from packages/l2/test/fixtures (see PROVENANCE.md there). Test support only.
import { readdirSync, readFileSync } from 'node:fs';
import { fromHex } from '@ironlb/wire';

const dir = new URL('../../test/fixtures/', import.meta.url);

/** Every fixture: name (without .hex) and bytes. Fails when the directory has none. */
export function goldenFrames(): { name: string; bytes: Uint8Array }[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
  if (files.length === 0) throw new Error(`no *.hex fixtures in ${dir.pathname}`);
  return files.map((f) => ({ name: f.slice(0, -4), bytes: fromHex(readFileSync(new URL(f, dir), 'utf8')) }));
}

export function goldenFrame(name: string): Uint8Array {
  return fromHex(readFileSync(new URL(`${name}.hex`, dir), 'utf8'));
}
