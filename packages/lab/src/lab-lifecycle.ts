// Whether a recorded lab is whole, and removing one: its processes (politely first: SIGTERM,
// so speakers leave the membership group and the emulator writes its snapshot), then what
// netlab recorded (namespaces, anything still inside them), then the lab directory unless
// the data is kept. Only what the lab recorded is touched.
import { existsSync, rmSync } from 'node:fs';
import { destroyRecordedLab, listNamespacesSync, sleep, type TeardownReport } from '@ironlb/netlab';
import type { LabLayout } from './lab-layout.js';
import { isRunning, type LabRecord } from './lab-record.js';

export interface Health {
  readonly healthy: boolean;
  /** What is wrong, in a few words each (`speaker node2 not running`). */
  readonly problems: string[];
}

export async function checkHealth(layout: LabLayout, record: LabRecord): Promise<Health> {
  const problems: string[] = [];
  const namespaces = new Set(listNamespacesSync());
  const missing = ['sw', 'router', 'client', ...record.nodes.map((n) => n.name)].filter(
    (short) => !namespaces.has(`${record.netlabName}-${short}`),
  );
  if (missing.length > 0) problems.push(`namespaces gone (${missing.join(', ')})`);
  const stopped = record.processes.filter((p) => !isRunning(p));
  if (stopped.length > 0)
    problems.push(`${stopped.map((p) => `${p.role} ${p.instance}`).join(', ')} not running`);
  if (!record.ready) problems.push('its last start did not finish');
  if (problems.length === 0 && !(await apiReady(record.apiServer)))
    problems.push('the API server does not answer');
  if (!existsSync(layout.kubeconfig)) problems.push('the kubeconfig is gone');
  return { healthy: problems.length === 0, problems };
}

/** GET /readyz on the emulator (its certificate is the lab's own: no verification here). */
async function apiReady(server: string): Promise<boolean> {
  const { request } = await import('node:https');
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export interface TeardownResult {
  readonly processesStopped: number;
  readonly report: TeardownReport | undefined;
}

/** Stops everything the lab started and removes its namespaces (and its directory unless `keepData`). */
export async function teardown(
  layout: LabLayout,
  record: LabRecord | undefined,
  options: { keepData: boolean; graceMs?: number },
): Promise<TeardownResult> {
  const running = (record?.processes ?? []).filter((p) => isRunning(p));
  for (const p of running) {
    try {
      process.kill(-p.pid, 'SIGTERM');
    } catch {
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
  const deadline = Date.now() + (options.graceMs ?? 3000);
  while (Date.now() < deadline && running.some((p) => isRunning(p))) await sleep(50);
  const report = destroyRecordedLab(layout.netlabName);
  rmSync(layout.apiSocket, { force: true });
  if (options.keepData) rmSync(layout.recordFile, { force: true });
  else rmSync(layout.dir, { recursive: true, force: true });
  return { processesStopped: running.length, report };
}
