import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachLab,
  createLab,
  isProcessAlive,
  listLabStates,
  listNamespacesSync,
  requireRoot,
  runChecked,
  sweepStaleLabs,
  uniqueLabName,
  waitFor,
} from '@ironlb/netlab';

const fixture = join(import.meta.dirname, 'fixtures', 'crash-lab.ts');

interface ChildLab {
  name: string;
  pid: number;
  startTime: number;
}

/** Runs the fixture and resolves with what it printed once it has printed it. */
function runFixture(
  mode: 'kill9' | 'exit' | 'signal' | 'persistent',
  stateDir: string,
): Promise<{ lab: ChildLab; child: ReturnType<typeof spawn>; exited: Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@ironlb/source', '--import', 'tsx', fixture, mode, 'nlcrash', stateDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fixture ${mode} printed nothing: ${out}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ lab: JSON.parse(line) as ChildLab, child, exited });
      }
    });
    child.once('exit', (code) => {
      if (!out.includes('{')) {
        clearTimeout(timer);
        reject(new Error(`fixture ${mode} exited with ${code} before printing`));
      }
    });
  });
}

function namespacesOf(name: string): string[] {
  return listNamespacesSync().filter((ns) => ns.startsWith(`${name}-`));
}

describe('netlab lifecycle: exit hooks and the crash sweep', () => {
  let stateDir: string;
  const decoy = `${uniqueLabName('nldecoy')}-x`;

  beforeAll(async () => {
    requireRoot();
    stateDir = mkdtempSync(join(tmpdir(), 'ilb-netlab-state-'));
    // A namespace with our prefix that no state file records: the sweep must leave it alone.
    await runChecked(['ip', 'netns', 'add', decoy]);
  });

  afterAll(async () => {
    await runChecked(['ip', 'netns', 'del', decoy]).catch(() => undefined);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('a process that exits without destroy() leaves nothing behind (exit hook)', async () => {
    const { lab, exited } = await runFixture('exit', stateDir);
    await exited;
    expect(namespacesOf(lab.name)).toEqual([]);
    expect(isProcessAlive(lab.pid, lab.startTime)).toBe(false);
    expect(listLabStates(stateDir).map((s) => s.record.name)).not.toContain(lab.name);
  });

  it('a process stopped by SIGTERM leaves nothing behind (signal hook)', async () => {
    const { lab, child, exited } = await runFixture('signal', stateDir);
    expect(namespacesOf(lab.name)).toHaveLength(2);
    child.kill('SIGTERM');
    await exited;
    expect(child.signalCode).toBe('SIGTERM');
    expect(namespacesOf(lab.name)).toEqual([]);
    expect(isProcessAlive(lab.pid, lab.startTime)).toBe(false);
  });

  it('after a crash (SIGKILL), the sweep removes only what the dead run recorded', async () => {
    const { lab, exited } = await runFixture('kill9', stateDir);
    await exited;
    expect(namespacesOf(lab.name)).toHaveLength(2);
    expect(isProcessAlive(lab.pid, lab.startTime)).toBe(true);

    const reports = sweepStaleLabs({ stateDir, tag: 'nlcrash' });
    expect(reports.map((r) => r.name)).toEqual([lab.name]);
    expect(reports[0]?.namespacesRemoved.sort()).toEqual([`${lab.name}-h`, `${lab.name}-sw`]);
    expect(namespacesOf(lab.name)).toEqual([]);
    await waitFor(() => !isProcessAlive(lab.pid, lab.startTime), {
      timeoutMs: 5000,
      description: 'sleep killed',
    });
    expect(listNamespacesSync()).toContain(decoy);
    expect(listLabStates(stateDir)).toEqual([]);
    expect(sweepStaleLabs({ stateDir })).toEqual([]);
  });

  it('a persistent lab outlives its creator, is not swept, and can be attached to and destroyed later', async () => {
    const { lab, exited } = await runFixture('persistent', stateDir);
    await exited;
    expect(namespacesOf(lab.name)).toHaveLength(2);
    expect(isProcessAlive(lab.pid, lab.startTime)).toBe(true);
    expect(sweepStaleLabs({ stateDir })).toEqual([]);

    const attached = attachLab(lab.name, { stateDir });
    expect(
      attached
        .namespaces()
        .map((ns) => ns.short)
        .sort(),
    ).toEqual(['h', 'sw']);
    expect((await attached.get('h').run(['ip', '-br', 'addr', 'show', 'eth0'])).trim()).toContain(
      '192.0.2.1/24',
    );
    const report = await attached.destroy();
    expect(report.namespacesRemoved.sort()).toEqual([`${lab.name}-h`, `${lab.name}-sw`]);
    expect(namespacesOf(lab.name)).toEqual([]);
    await waitFor(() => !isProcessAlive(lab.pid, lab.startTime), {
      timeoutMs: 5000,
      description: 'sleep killed',
    });
    expect(() => attachLab(lab.name, { stateDir })).toThrow(
      expect.objectContaining({ code: 'ERR_IRONLB_NETLAB_INVALID_ARGUMENT' }),
    );
  });

  it('createLab sweeps what a crashed run with the same tag left behind', async () => {
    const { lab, exited } = await runFixture('kill9', stateDir);
    await exited;
    expect(namespacesOf(lab.name)).toHaveLength(2);
    const next = await createLab({ tag: 'nlcrash', stateDir });
    try {
      expect(namespacesOf(lab.name)).toEqual([]);
      expect(listLabStates(stateDir).map((s) => s.record.name)).toEqual([next.name]);
    } finally {
      await next.destroy();
    }
    expect(listNamespacesSync()).toContain(decoy);
  });
});
