// `ironlb emulator` as the lab runs it: from source, HTTPS by default, a kubeconfig kubectl
// accepts, a data directory that survives a restart, and a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ironlb-emu-cli-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@ironlb/source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'emulator',
      '--port',
      '0',
      '--kubeconfig-out',
      join(dir, 'kc.yaml'),
      '--data-dir',
      join(dir, 'data'),
      '--log-format',
      'json',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no URL within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve(l.trim());
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const code = await exited;
  children.delete(child);
  return code;
}

const kubectl = (...args: string[]) =>
  run('kubectl', ['--kubeconfig', join(dir, 'kc.yaml'), '--cache-dir', join(dir, 'cache'), ...args]);

describe('ironlb emulator (CLI)', () => {
  it('serves HTTPS, writes a working kubeconfig, persists across a restart and stops on SIGTERM', async () => {
    const first = await startCli();
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(join(dir, 'kc.yaml'), 'utf8')).toContain('certificate-authority-data');
    expect((await kubectl('create', 'configmap', 'kept', '--from-literal=a=b')).stdout.trim()).toBe(
      'configmap/kept created',
    );
    const rv = JSON.parse((await kubectl('get', 'cm', 'kept', '-o', 'json')).stdout).metadata
      .resourceVersion as string;
    expect(await stop(first.child)).toBe(0);

    const second = await startCli();
    const again = JSON.parse((await kubectl('get', 'cm', 'kept', '-o', 'json')).stdout) as {
      data: Record<string, string>;
      metadata: { resourceVersion: string };
    };
    expect(again.data).toEqual({ a: 'b' });
    expect(again.metadata.resourceVersion).toBe(rv);
    await kubectl('label', 'cm', 'kept', 'x=y');
    const after = JSON.parse((await kubectl('get', 'cm', 'kept', '-o', 'json')).stdout).metadata
      .resourceVersion as string;
    expect(Number(after)).toBeGreaterThan(Number(rv));
    expect(await stop(second.child)).toBe(0);
  });
});
