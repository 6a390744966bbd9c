// Runs the real kubectl (`/usr/bin/kubectl`, a dispatcher that picks kubectl 1.NN by the
// server's /version minor) against an emulator at -v=6, with a fresh kubeconfig and
// discovery cache, and fails on any 4xx/5xx response that the caller did not allow.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@ironlb/emulator';

export interface Trip {
  method: string;
  url: string;
  status: number;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
  trips: Trip[];
}

export interface RunOptions {
  /** Responses >= 400 that are expected, as `METHOD path-regex STATUS` checks. */
  allow?: { method?: string; path: RegExp; status: number }[];
  /** The command is expected to exit non-zero. */
  fail?: boolean;
  stdin?: string;
  timeoutMs?: number;
}

/** Error responses every kubectl run may see: the OpenAPI v2 probe after v3 (§5.3). */
const alwaysAllowed = [{ path: /^\/openapi\/v2$/, status: 404 }];

const TRIP = /round_trippers\.go:\d+\] (GET|POST|PUT|PATCH|DELETE|HEAD) (\S+) (\d{3})/;

export class Kubectl {
  readonly dir: string;
  private readonly kubeconfig: string;

  constructor(emu: Emulator) {
    this.dir = mkdtempSync(join(tmpdir(), 'ironlb-kubectl-'));
    this.kubeconfig = join(this.dir, 'kubeconfig');
    writeFileSync(this.kubeconfig, emu.kubeconfig());
  }

  file(name: string, content: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }

  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    const full = ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), '-v=6', ...args];
    return new Promise((resolve, reject) => {
      const child = execFile(
        'kubectl',
        full,
        { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          const trips: Trip[] = [];
          for (const line of stderr.split('\n')) {
            const m = TRIP.exec(line);
            if (m) trips.push({ method: m[1]!, url: m[2]!, status: Number(m[3]) });
          }
          const r: KubectlResult = {
            stdout,
            stderr: stderr
              .split('\n')
              .filter((l) => !/^[IW]\d{4} /.test(l))
              .join('\n'),
            code,
            trips,
          };
          const allowed = [...alwaysAllowed, ...(opts.allow ?? [])];
          const bad = trips.filter(
            (t) =>
              t.status >= 400 &&
              !allowed.some(
                (a) =>
                  a.status === t.status &&
                  (!('method' in a) || !a.method || a.method === t.method) &&
                  a.path.test(new URL(t.url).pathname),
              ),
          );
          if (bad.length)
            return reject(
              new Error(
                `kubectl ${args.join(' ')}: unexpected responses ${JSON.stringify(bad)}\n${r.stderr}`,
              ),
            );
          if (opts.fail ? code === 0 : code !== 0)
            return reject(
              new Error(`kubectl ${args.join(' ')} exited ${code}\nstdout: ${stdout}\nstderr: ${r.stderr}`),
            );
          resolve(r);
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The columns of a `kubectl get` table as rows of cells (split on runs of 2+ spaces). */
export function tableRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}
