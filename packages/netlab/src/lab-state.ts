import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetlabError, NetlabErrorCode } from './errors.js';
import type { ProcessRecord } from './lab-process.js';
import { netlabPrefix } from './naming.js';
import { isProcessAlive, readProcStat } from './proc-stat.js';

/** Default directory for state files: /run is a tmpfs, cleared at boot like /run/netns. */
export const defaultStateDir = '/run/ironlb-netlab';

/**
 * What a lab writes down, before it creates anything, so that a later run can clean up after a
 * crash. Namespaces are recorded before `ip netns add`; processes right after they start.
 */
export interface LabStateRecord {
  version: 1;
  name: string;
  tag: string;
  /** The process that owns the lab; a stale record is one whose owner is gone. */
  owner: { pid: number; startTime: number };
  /** A persistent lab outlives its owner (the lab's `up` command) and is not swept. */
  persistent: boolean;
  createdAt: string;
  dir: string;
  keepFiles: boolean;
  namespaces: string[];
  processes: ProcessRecord[];
}

export function stateFilePath(stateDir: string, name: string): string {
  return join(stateDir, `${name}.json`);
}

/** Writes the record atomically (temporary file, then rename). */
export function writeLabState(file: string, record: LabStateRecord): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}

export function readLabState(file: string): LabStateRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NetlabError(NetlabErrorCode.ParseError, `cannot read lab state ${file}`, { cause: err });
  }
  const record = parsed as Partial<LabStateRecord>;
  if (
    record.version !== 1 ||
    typeof record.name !== 'string' ||
    !record.name.startsWith(netlabPrefix) ||
    !Array.isArray(record.namespaces) ||
    !Array.isArray(record.processes)
  ) {
    throw new NetlabError(NetlabErrorCode.ParseError, `${file} is not a netlab state file`);
  }
  return record as LabStateRecord;
}

/** The records in `stateDir` (unreadable files are left alone). */
export function listLabStates(
  stateDir: string = defaultStateDir,
): { file: string; record: LabStateRecord }[] {
  let entries: string[];
  try {
    entries = readdirSync(stateDir);
  } catch {
    return [];
  }
  const out: { file: string; record: LabStateRecord }[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(netlabPrefix) || !entry.endsWith('.json')) continue;
    const file = join(stateDir, entry);
    try {
      out.push({ file, record: readLabState(file) });
    } catch {
      // Not ours or half-written: never act on it.
    }
  }
  return out;
}

/** True while the process that created the record is still running. */
export function isOwnerAlive(record: LabStateRecord): boolean {
  return isProcessAlive(record.owner.pid, record.owner.startTime);
}

/** What a teardown removed. */
export interface TeardownReport {
  name: string;
  namespacesRemoved: string[];
  processesKilled: number;
  errors: string[];
}

/**
 * Removes what a record lists, synchronously and with SIGKILL: the recorded processes (only if
 * the PID still belongs to the same process, by start time), any process still inside a
 * recorded namespace, then the namespaces. Only namespaces named `<record.name>-...` with the
 * `ilb-` prefix are touched. Used by the exit hook and by the sweep.
 */
export function teardownRecordSync(record: LabStateRecord): TeardownReport {
  const report: TeardownReport = { name: record.name, namespacesRemoved: [], processesKilled: 0, errors: [] };
  for (const proc of record.processes) {
    if (!isProcessAlive(proc.pid, proc.startTime || undefined)) continue;
    if (killGroupOrPid(proc.pid, 'SIGKILL')) report.processesKilled++;
  }
  const existing = new Set(listNamespacesSync());
  const owned = record.namespaces.filter(
    (ns) => ns.startsWith(netlabPrefix) && ns.startsWith(`${record.name}-`) && existing.has(ns),
  );
  for (const ns of owned) {
    for (const pid of namespacePidsSync(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
        report.processesKilled++;
      } catch {
        // Already gone.
      }
    }
  }
  for (const ns of owned) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe', timeout: 10_000 });
      report.namespacesRemoved.push(ns);
    } catch (err) {
      report.errors.push(`ip netns del ${ns}: ${(err as Error).message}`);
    }
  }
  // FRR daemons keep a crash-log directory per PID that only a clean exit removes.
  for (const proc of record.processes) {
    const daemon = /^frr-(\w+)$/.exec(proc.name)?.[1];
    if (daemon) rmSync(`/var/tmp/frr/${daemon}.${proc.pid}`, { recursive: true, force: true });
  }
  if (!record.keepFiles && record.dir.includes(record.name)) {
    rmSync(record.dir, { recursive: true, force: true });
  }
  return report;
}

export interface SweepOptions {
  stateDir?: string;
  /** Only sweep labs with this tag. */
  tag?: string;
  /** Also remove persistent labs whose owner is gone (the lab's own `up` after a crash). */
  includePersistent?: boolean;
}

/**
 * Cleans up after crashed runs: for every state file in `stateDir` whose owner process is gone
 * (and that is not persistent, unless asked), removes its processes and namespaces, then the
 * state file. Never touches a namespace that is not recorded in one of these state files.
 */
export function sweepStaleLabs(options: SweepOptions = {}): TeardownReport[] {
  const reports: TeardownReport[] = [];
  for (const { file, record } of listLabStates(options.stateDir)) {
    if (options.tag !== undefined && record.tag !== options.tag) continue;
    if (isOwnerAlive(record)) continue;
    if (record.persistent && !options.includePersistent) continue;
    reports.push(teardownRecordSync(record));
    rmSync(file, { force: true });
  }
  return reports;
}

/**
 * Tears down a lab by name from its state file, whoever created it (for `lab down` of a
 * persistent lab). Returns undefined when there is no such record.
 */
export function destroyRecordedLab(
  name: string,
  options: { stateDir?: string } = {},
): TeardownReport | undefined {
  const file = stateFilePath(options.stateDir ?? defaultStateDir, name);
  let record: LabStateRecord;
  try {
    record = readLabState(file);
  } catch {
    return undefined;
  }
  const report = teardownRecordSync(record);
  rmSync(file, { force: true });
  return report;
}

/** `ip netns list` names. */
export function listNamespacesSync(): string[] {
  try {
    const out = execFileSync('ip', ['-j', 'netns', 'list'], {
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 10_000,
    });
    if (!out.trim()) return [];
    return (JSON.parse(out) as { name: string }[]).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** PIDs of live processes inside namespace `ns` (`ip netns pids`). */
export function namespacePidsSync(ns: string): number[] {
  try {
    const out = execFileSync('ip', ['netns', 'pids', ns], {
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 10_000,
    });
    return out
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 0 && readProcStat(pid)?.state !== 'Z');
  } catch {
    return [];
  }
}

/** Signals the process group led by `pid`, falling back to the PID alone. */
export function killGroupOrPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}
