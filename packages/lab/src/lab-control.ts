// Acting on a running lab from another process: `fail-node` / `heal-node` (kill a node's
// speaker as a crash would, or cut its cable at the switch; then undo), `exec` (a command in
// one of the lab's namespaces) and `down`.
import { spawn } from 'node:child_process';
import { attachLab, runCommand, sleep, waitFor } from '@ironlb/netlab';
import { LabError, LabErrorCode } from './lab-error.js';
import type { LabLayout } from './lab-layout.js';
import { teardown, type TeardownResult } from './lab-lifecycle.js';
import { recordOf, startSpeakerProcess } from './lab-processes.js';
import { isRunning, readLabRecord, writeLabRecord, type LabRecord } from './lab-record.js';

export type FailureKind = 'speaker' | 'link';

function requireRecord(layout: LabLayout): LabRecord {
  const record = readLabRecord(layout.recordFile);
  if (!record)
    throw new LabError(
      LabErrorCode.notRunning,
      `no IronLB lab "${layout.name}" is running: start it with \`npm run lab\``,
    );
  return record;
}

function requireNode(record: LabRecord, node: string): LabRecord['nodes'][number] {
  const found = record.nodes.find((n) => n.name === node);
  if (!found)
    throw new LabError(
      LabErrorCode.invalidArgument,
      `the lab has no node "${node}"; its nodes are ${record.nodes.map((n) => n.name).join(', ')}`,
    );
  return found;
}

async function setPort(record: LabRecord, port: string, state: 'up' | 'down'): Promise<void> {
  const r = await runCommand(['ip', '-n', `${record.netlabName}-sw`, 'link', 'set', port, state], {
    timeoutMs: 5000,
  });
  if (r.code !== 0)
    throw new LabError(
      LabErrorCode.notRunning,
      `cannot set the switch port ${port} ${state}: ${r.stderr.trim()}`,
    );
}

/** Makes `node` fail: its speaker is killed with SIGKILL, or its link is cut at the switch. */
export async function failNode(layout: LabLayout, node: string, how: FailureKind): Promise<string> {
  const record = requireRecord(layout);
  const entry = requireNode(record, node);
  if (how === 'link') {
    await setPort(record, entry.switchPort, 'down');
    return `${node}: link down at the switch (port ${entry.switchPort}); its speaker keeps running but nobody hears it`;
  }
  const speaker = record.processes.find((p) => p.role === 'speaker' && p.instance === node);
  if (!speaker || !isRunning(speaker)) return `${node}: its speaker is not running already`;
  try {
    process.kill(-speaker.pid, 'SIGKILL');
  } catch {
    process.kill(speaker.pid, 'SIGKILL');
  }
  return `${node}: speaker (pid ${speaker.pid}) killed with SIGKILL, as in a crash`;
}

/** Undoes `failNode`: the link comes back up and a dead speaker is started again. */
export async function healNode(layout: LabLayout, node: string): Promise<string> {
  const record = requireRecord(layout);
  const entry = requireNode(record, node);
  const done: string[] = [];
  await setPort(record, entry.switchPort, 'up');
  done.push('link up');
  const index = record.processes.findIndex((p) => p.role === 'speaker' && p.instance === node);
  const speaker = record.processes[index];
  if (speaker && !isRunning(speaker)) {
    const lab = attachLab(record.netlabName);
    const proc = await startSpeakerProcess(lab.get(node), speaker.argv, layout, node);
    record.processes[index] = recordOf(proc, 'speaker', node, speaker.argv, lab.get(node));
    writeLabRecord(layout.recordFile, record);
    done.push(`speaker restarted (pid ${proc.pid})`);
  } else done.push('speaker running');
  return `${node}: ${done.join(', ')}`;
}

/** The namespaces `exec` accepts. */
export function execHosts(record: LabRecord): string[] {
  return ['client', 'router', ...record.nodes.map((n) => n.name), 'sw'];
}

/**
 * Runs `command` in a lab namespace with the terminal attached; resolves with its exit code.
 * `vtysh` in the router gets the router's socket directory.
 */
export async function execIn(layout: LabLayout, host: string, command: readonly string[]): Promise<number> {
  const record = requireRecord(layout);
  if (!execHosts(record).includes(host))
    throw new LabError(
      LabErrorCode.invalidArgument,
      `the lab has no host "${host}"; use one of ${execHosts(record).join(', ')}`,
    );
  if (command.length === 0)
    throw new LabError(
      LabErrorCode.invalidArgument,
      'no command: write it after `--`, e.g. `exec client -- curl -s http://198.51.100.10/`',
    );
  const argv =
    host === 'router' && command[0] === 'vtysh' && record.routerFrrDir && !command.includes('--vty_socket')
      ? ['vtysh', '--vty_socket', record.routerFrrDir, ...command.slice(1)]
      : [...command];
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', `${record.netlabName}-${host}`, ...argv], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Removes the lab: processes, namespaces, and its directory (unless `keepData`). */
export async function labDown(
  layout: LabLayout,
  options: { keepData?: boolean } = {},
): Promise<TeardownResult> {
  return teardown(layout, readLabRecord(layout.recordFile), { keepData: options.keepData ?? false });
}

/** One step of a rolling restart. */
export interface RestartStep {
  readonly node: string;
  /** Milliseconds from SIGTERM to the old process's exit. */
  readonly stopMs: number;
  /** Milliseconds from the new process's start to its /readyz answering 200. */
  readonly readyMs: number;
}

/**
 * Restarts the speakers one node at a time, as a DaemonSet rolling update with
 * maxUnavailable 1 does: SIGTERM (graceful: the failure detector says goodbye, BGP sessions
 * close keeping the routes at routers with graceful restart), wait for the exit, start the
 * same command again, wait until it is ready (/readyz on its metrics port in the node
 * namespace) and `settleMs` more, then the next node.
 */
export async function restartSpeakers(
  layout: LabLayout,
  options: { settleMs?: number; timeoutMs?: number; onStep?: (step: RestartStep) => void } = {},
): Promise<RestartStep[]> {
  const steps: RestartStep[] = [];
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (const node of requireRecord(layout).nodes.map((n) => n.name)) {
    const record = requireRecord(layout);
    const index = record.processes.findIndex((p) => p.role === 'speaker' && p.instance === node);
    const old = record.processes[index];
    if (!old) throw new LabError(LabErrorCode.notRunning, `the lab has no speaker on ${node}`);
    const stopping = performance.now();
    if (isRunning(old)) {
      process.kill(old.pid, 'SIGTERM');
      await waitFor(() => !isRunning(old), {
        timeoutMs,
        intervalMs: 20,
        description: `the speaker on ${node} to exit`,
      });
    }
    const stopMs = performance.now() - stopping;
    const lab = attachLab(record.netlabName);
    const netns = lab.get(node);
    const starting = performance.now();
    const proc = await startSpeakerProcess(netns, old.argv, layout, node);
    record.processes[index] = recordOf(proc, 'speaker', node, old.argv, netns);
    writeLabRecord(layout.recordFile, record);
    await waitFor(
      async () => {
        if (!proc.alive())
          throw new LabError(
            LabErrorCode.startFailed,
            `the new speaker on ${node} exited; see ${proc.logFile}`,
          );
        const r = await netns.exec(
          [
            'curl',
            '-s',
            '-o',
            '/dev/null',
            '-w',
            '%{http_code}',
            '--max-time',
            '1',
            'http://127.0.0.1:9121/readyz',
          ],
          {
            timeoutMs: 3000,
          },
        );
        return r.stdout.trim() === '200';
      },
      { timeoutMs, intervalMs: 100, description: `the new speaker on ${node} to be ready` },
    );
    const step = { node, stopMs, readyMs: performance.now() - starting };
    steps.push(step);
    options.onStep?.(step);
    await sleep(options.settleMs ?? 3000);
  }
  return steps;
}
