import { describe, expect, it } from 'vitest';
import { labLayout } from './lab-layout.js';

describe('labLayout', () => {
  it('names everything after the lab name', () => {
    const l = labLayout({ name: 'lab', repoRoot: '/repo' });
    expect(l).toMatchObject({
      netlabName: 'ilb-lab',
      dir: '/repo/.lab/lab',
      kubeconfig: '/repo/.lab/lab/kubeconfig',
      apiDataDir: '/repo/.lab/lab/api',
      manifest: '/repo/config/manifests/ironlb.yaml',
    });
  });

  it('refuses names that would make unreadable or unsafe namespace names', () => {
    for (const bad of ['', 'Lab', '1lab', 'my-lab', 'abcdefghijklm', '../x'])
      expect(() => labLayout({ name: bad })).toThrow(
        expect.objectContaining({ code: 'ERR_IRONLB_LAB_INVALID_ARGUMENT' }),
      );
  });
});
