// The newcomer's path, end to end: a fresh clone of this repository, `npm run lab` (npm ci
// with the native build and the TypeScript build, Debian packages checked, then `ironlb lab
// up`), both sample Services answering `curl` from the client namespace through their
// EXTERNAL-IP, `npm run lab` again after a crash (it recovers, addresses unchanged), a node
// failing (its speaker killed: the layer-2 address moves to another node, both Services keep
// answering), then `npm run lab -- down` and nothing left behind: no namespace, no process,
// no state file, no lab directory.
//
// The one expensive test of the lab (npm ci + build in the clone, about a minute); it reuses
// the machine's npm cache. It runs its lab under its own name, so a developer's `npm run lab`
// is left alone.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, listNamespacesSync, requireRoot, waitFor } from '@ironlb/netlab';

const repoRoot = new URL('../../', import.meta.url).pathname;
const name = `t${randomBytes(3).toString('hex')}`;
const netlabName = `ilb-${name}`;
let clone = '';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run lab -- <args>` in the clone, as a user types it (with this test's lab name). */
function npmRunLab(args: string[], timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'lab', ...(args.length ? ['--', ...args] : [])],
      {
        cwd: clone,
        timeout: timeoutMs,
        maxBuffer: 64 << 20,
        env: {
          ...process.env,
          IRONLB_LAB_NAME: name,
          // Reuse the machine's npm cache; never a test runner's loaders.
          npm_config_prefer_offline: 'true',
          NODE_OPTIONS: '',
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

function curlFromClient(ip: string): { ok: boolean; body: string } {
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      `${netlabName}-client`,
      'curl',
      '-sS',
      '--noproxy',
      '*',
      '--max-time',
      '2',
      `http://${ip}/`,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return { ok: r.status === 0, body: (r.stdout ?? '').trim() };
}

interface LabStatusJson {
  state: string;
  kubeconfig: string;
  nodes: { name: string; speaker: string; speakerPid?: number }[];
  services: { namespace: string; name: string; ips: string[]; mode: string; announcedBy: string[] }[];
}

async function labStatus(): Promise<LabStatusJson> {
  const r = await npmRunLab(['status', '-o', 'json'], 60_000);
  try {
    return JSON.parse(r.stdout) as LabStatusJson;
  } catch {
    throw new Error(`lab status -o json (exit ${r.code}) printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

const sample = (s: LabStatusJson, svc: string) => {
  const found = s.services.find((x) => x.namespace === 'demo' && x.name === svc);
  if (!found) throw new Error(`no demo/${svc} in ${JSON.stringify(s.services)}`);
  return found;
};

/** Every PID the lab recorded, read before `down`. */
function recordedPids(): number[] {
  const file = join(clone, '.lab', name, 'lab.json');
  if (!existsSync(file)) return [];
  const record = JSON.parse(readFileSync(file, 'utf8')) as {
    processes: { pid: number; startTime: number }[];
  };
  return record.processes.filter((p) => isProcessAlive(p.pid, p.startTime || undefined)).map((p) => p.pid);
}

function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

beforeAll(() => {
  requireRoot();
  clone = mkdtempSync(join(tmpdir(), 'ironlb-fresh-clone-'));
  const r = spawnSync('git', ['clone', '--quiet', repoRoot, clone], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`git clone failed: ${r.stderr}`);
}, 180_000);

afterAll(async () => {
  if (clone && existsSync(join(clone, 'packages/cli/dist/bin.js'))) await npmRunLab(['down'], 60_000);
  rmSync(clone, { recursive: true, force: true });
}, 120_000);

describe('npm run lab from a fresh clone', () => {
  let status: LabStatusJson;

  it(
    'brings everything up and ends with the status and what to try next',
    async () => {
      const r = await npmRunLab([], 10 * 60_000);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      // Progress, the status, and the next steps with the kubeconfig path.
      expect(r.stdout).toContain('npm dependencies installed and built (npm ci)');
      expect(r.stdout).toMatch(/✓ sample Services answering from the client namespace/);
      expect(r.stdout).toMatch(/Ready in \d+\.\ds\./);
      expect(r.stdout).toContain(`export KUBECONFIG=.lab/${name}/kubeconfig`);
      expect(r.stdout).toContain('kubectl get svc -A -o wide');
      status = await labStatus();
      expect(status.state).toBe('up');
      expect(status.nodes.map((n) => n.speaker)).toEqual(['running', 'running', 'running']);
    },
    12 * 60_000,
  );

  it('both sample Services answer curl from the client through their EXTERNAL-IP (kubectl shows it)', async () => {
    const kubectl = spawnSync(
      'kubectl',
      ['get', 'svc', '-n', 'demo', '-o', 'wide', '--kubeconfig', status.kubeconfig],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(kubectl.status, kubectl.stderr).toBe(0);
    const l2 = sample(status, 'web-l2');
    const bgp = sample(status, 'web-bgp');
    expect(l2.mode).toBe('layer2');
    expect(bgp.mode).toBe('bgp');
    // `lab up` returns once the speakers have settled: one node announces the layer-2 address
    // (never two), every node advertises the BGP one.
    expect(l2.announcedBy).toHaveLength(1);
    expect(bgp.announcedBy).toEqual(['node1', 'node2', 'node3']);
    for (const svc of [l2, bgp]) {
      expect(kubectl.stdout).toMatch(
        new RegExp(`${svc.name}\\s+LoadBalancer\\s+\\S+\\s+${svc.ips[0]?.replaceAll('.', '\\.')}`),
      );
      const answer = curlFromClient(svc.ips[0] as string);
      expect(answer.ok).toBe(true);
      expect(answer.body).toMatch(/^node\d$/);
    }
    // Through the lab command too, as the printed hint says.
    const viaLab = await npmRunLab([
      'exec',
      'client',
      '--',
      'curl',
      '-s',
      '--max-time',
      '2',
      `http://${l2.ips[0]}/`,
    ]);
    expect(viaLab.code).toBe(0);
    expect(viaLab.stdout.trim()).toBe(l2.announcedBy[0]);
  });

  it(
    'recovers after a crash: `npm run lab` again rebuilds it with the same addresses',
    async () => {
      const before = status;
      // A crash: the API server and a speaker die at once.
      const record = JSON.parse(readFileSync(join(clone, '.lab', name, 'lab.json'), 'utf8')) as {
        processes: { role: string; pid: number }[];
      };
      for (const p of record.processes
        .filter((x) => x.role === 'emulator' || x.role === 'speaker')
        .slice(0, 2))
        process.kill(-p.pid, 'SIGKILL');
      const r = await npmRunLab([], 5 * 60_000);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/recovering|removed the remains/);
      status = await labStatus();
      expect(status.state).toBe('up');
      for (const svc of ['web-l2', 'web-bgp']) {
        expect(sample(status, svc).ips).toEqual(sample(before, svc).ips);
        expect(curlFromClient(sample(status, svc).ips[0] as string).ok).toBe(true);
      }
    },
    6 * 60_000,
  );

  it('a node fails (its speaker killed): the layer-2 address moves, both Services keep answering', async () => {
    const l2 = sample(status, 'web-l2');
    const bgp = sample(status, 'web-bgp');
    const owner = l2.announcedBy[0] as string;
    expect(owner).toMatch(/^node\d$/);
    const failed = await npmRunLab(['fail-node', owner]);
    expect(failed.code, failed.stderr).toBe(0);
    const moved = await waitFor(
      () => {
        const a = curlFromClient(l2.ips[0] as string);
        return a.ok && a.body !== owner ? a.body : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        description: `${l2.ips[0]} answered by a node other than ${owner}`,
      },
    );
    expect(moved).toMatch(/^node\d$/);
    for (let i = 0; i < 5; i++) expect(curlFromClient(bgp.ips[0] as string).ok).toBe(true);
    // The new owner's SpeakerStatus says so within its rate limit (2 s).
    const after = await waitFor(
      async () => {
        const s = await labStatus();
        return sample(s, 'web-l2').announcedBy.join() === moved ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: `lab status to show ${moved} announcing web-l2` },
    );
    expect(after.nodes.find((n) => n.name === owner)?.speaker).toBe('stopped');
  }, 120_000);

  it('`npm run lab -- down` removes every namespace and process it started, and its files', async () => {
    const pids = recordedPids();
    expect(pids.length).toBeGreaterThan(5);
    const r = await npmRunLab(['down'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed: \d+ processes stopped, 6 namespaces deleted/);
    expect(listNamespacesSync().filter((ns) => ns.startsWith(`${netlabName}-`))).toEqual([]);
    await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), {
      timeoutMs: 10_000,
      description: 'the lab processes to be gone',
    });
    expect(processesUsing(join(clone, '.lab'))).toEqual([]);
    expect(existsSync(join(clone, '.lab', name))).toBe(false);
    expect(existsSync(`/run/ironlb-netlab/${netlabName}.json`)).toBe(false);
    expect(existsSync(`/tmp/ironlb-netlab/${netlabName}`)).toBe(false);
  }, 180_000);
});
