import { describe, expect, it } from 'vitest';
import { staleFiles } from '../../scripts/generate.js';

describe('generated files', () => {
  it('crds/*.yaml, generated-types.ts and docs/configuration.md match the schema declarations', async () => {
    const stale = await staleFiles();
    expect(
      stale,
      'out of date: run `node --conditions=@ironlb/source --import tsx packages/config/scripts/generate.ts`',
    ).toEqual([]);
  });
});
