// What `lab up` started, written to <lab dir>/lab.json so that `status`, `exec`, `fail-node`,
// `heal-node` and `down` (other processes) find the parts, and so that `up` after a crash
// reuses the API port (kubeconfigs stay valid).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isProcessAlive } from '@ironlb/netlab';

export type LabRole = 'emulator' | 'relay' | 'controller' | 'speaker' | 'stand-in' | 'frr';

export interface RecordedProcess {
  readonly role: LabRole;
  /** The node (speaker, relay, stand-in) or replica name (controller). */
  readonly instance: string;
  readonly pid: number;
  readonly startTime: number;
  readonly logFile: string;
  /** The namespace it runs in (short name), or undefined for the root namespace. */
  readonly netns?: string;
  /** How to start it again (`heal-node` restarts a killed speaker). */
  readonly argv: readonly string[];
}

export interface LabNodeRecord {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly mac: string;
  /** The node's port on the lab switch (cut to take the node's link down). */
  readonly switchPort: string;
}

export interface LabRecord {
  readonly version: 1;
  readonly name: string;
  readonly netlabName: string;
  readonly apiPort: number;
  readonly apiServer: string;
  readonly createdAt: string;
  readonly nodes: readonly LabNodeRecord[];
  /** Set when `up` finished: every step done and the sample Services answered. */
  ready?: boolean;
  /** FRR's private directory (vtysh --vty_socket). */
  readonly routerFrrDir?: string;
  processes: RecordedProcess[];
}

export function readLabRecord(file: string): LabRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LabRecord;
    return parsed.version === 1 && typeof parsed.apiPort === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeLabRecord(file: string, record: LabRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}

export function isRunning(p: Pick<RecordedProcess, 'pid' | 'startTime'>): boolean {
  return isProcessAlive(p.pid, p.startTime || undefined);
}
