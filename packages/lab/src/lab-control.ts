// Acting on a running lab from another process: `fail-node` / `heal-node` (kill a node's
// speaker as a crash would, or cut its cable at the switch; then undo), `exec` (a command in
// one of the lab's namespaces) and `down`.
import { spawn } from 'node:child_process';
import { attachLab, runCommand } from '@ironlb/netlab';
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
