import { readFileSync } from 'node:fs';

/** The parts of /proc/PID/stat that netlab uses (proc(5)). */
export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), T, t, X (dead), I, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Start time after boot in clock ticks: with the PID it identifies a process (PID reuse). */
  startTime: number;
}

/** Parses the text of /proc/PID/stat. The comm field may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // fields[0] is field 3 of proc(5) (state); starttime is field 22.
  const [state, ppid, pgrp] = fields;
  const startTime = Number(fields[19]);
  if (!state || !Number.isFinite(pid) || !Number.isFinite(startTime)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp), startTime };
}

/** Reads /proc/PID/stat; undefined when there is no such process. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * True when PID runs and is not a zombie. `kill -0` is not enough here: PID 1 of these machines
 * reaps orphans lazily, so killed daemons stay `<defunct>` for a while (network-lab.md P2).
 * With `startTime`, a different process that reused the PID does not count.
 */
export function isProcessAlive(pid: number, startTime?: number): boolean {
  const stat = readProcStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTime === undefined || stat.startTime === startTime;
}
