import { describe, expect, it } from 'vitest';
import { checkLabPrerequisites, type MachineProbe } from './preflight.js';

const fine: MachineProbe = {
  platform: 'linux',
  privileges: () => ({ ok: true, uid: 0, missingCapabilities: [], reason: '' }),
  hasNetworkNamespaces: () => true,
  listNamespaces: async () => ({ code: 0, stderr: '' }),
  missingPackages: () => [],
};

async function message(probe: Partial<MachineProbe>): Promise<string | undefined> {
  try {
    await checkLabPrerequisites({ ...fine, ...probe });
    return undefined;
  } catch (err) {
    expect((err as { code: string }).code).toBe('ERR_IRONLB_LAB_PREREQUISITES');
    return (err as Error).message;
  }
}

describe('checkLabPrerequisites', () => {
  it('passes on a machine that has everything', async () => {
    expect(await message({})).toBeUndefined();
  });

  it('says plainly what is missing, one sentence each', async () => {
    expect(await message({ platform: 'darwin' })).toBe(
      'the IronLB lab needs Linux network namespaces; this is darwin',
    );
    expect(
      await message({
        privileges: () => ({ ok: false, uid: 1000, missingCapabilities: ['CAP_SYS_ADMIN'], reason: '' }),
      }),
    ).toMatch(/^the IronLB lab needs root: .* \(for example `sudo npm run lab`\)$/);
    expect(
      await message({
        privileges: () => ({
          ok: false,
          uid: 0,
          missingCapabilities: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'],
          reason: '',
        }),
      }),
    ).toBe(
      'the IronLB lab runs as root but without CAP_SYS_ADMIN, CAP_NET_ADMIN: run it on the host or in a privileged container',
    );
    expect(await message({ hasNetworkNamespaces: () => false })).toMatch(/no network namespaces/);
    expect(
      await message({
        listNamespaces: async () => ({
          code: 1,
          stderr: 'mount --make-shared /run/netns failed: Operation not permitted\n',
        }),
      }),
    ).toBe(
      'network namespaces are not usable here (`ip netns list`: mount --make-shared /run/netns failed: Operation not permitted)',
    );
    expect(await message({ missingPackages: () => ['frr', 'openssl'] })).toMatch(
      /^missing Debian packages: frr openssl; install them with `apt-get install -y --no-install-recommends frr openssl`/,
    );
  });
});
