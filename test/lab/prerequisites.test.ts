// Without root the lab says so plainly and exits non-zero: both `npm run lab` (scripts/lab.mjs,
// before anything is installed) and `ironlb lab up` itself, run here as user nobody.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRoot } from '@ironlb/netlab';

const repoRoot = new URL('../../', import.meta.url).pathname;

function asNobody(argv: string[]) {
  requireRoot(); // setpriv needs it; CI runs as root
  const r = spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp', 'NODE_OPTIONS=', ...argv],
    { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the lab without root', () => {
  it('npm run lab says it needs root and how to run it', () => {
    const r = asNobody([process.execPath, join(repoRoot, 'scripts/lab.mjs')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'The IronLB lab needs root: it creates network namespaces, veth pairs and a router.\nRun it as root, for example: sudo npm run lab\n',
    );
  });

  it('ironlb lab up says the same in one line', () => {
    const r = asNobody([
      process.execPath,
      '--conditions=@ironlb/source',
      '--import',
      'tsx',
      join(repoRoot, 'packages/cli/src/bin.ts'),
      'lab',
      'up',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ironlb: the IronLB lab needs root: it creates network namespaces, veth pairs and a router. Run it as root (for example `sudo npm run lab`)\n',
    );
    expect(r.stdout).toBe('');
  });
});
