import type { LabProcess } from '../lab-process.js';
import type { Netns } from '../netns.js';
import { waitFor } from '../wait-for.js';

/**
 * The prober that runs inside the namespace (plain JavaScript for the Node binary): starts one
 * HTTP GET every `interval` ms on a fresh connection (so each probe is a new flow, hashed anew
 * by ECMP), without waiting for the previous one, and prints one JSON line per outcome.
 */
const proberScript = `
const http = require('node:http');
const [url, interval, timeout] = process.argv.slice(1);
const now = () => performance.timeOrigin + performance.now();
let seq = 0;
function probe() {
  const n = seq++;
  const start = now();
  const done = (r) => { if (done.called) return; done.called = true; process.stdout.write(JSON.stringify({ seq: n, start, ms: now() - start, ...r }) + '\\n'); };
  const req = http.get(url, { agent: false, timeout: Number(timeout) }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { body += c; });
    res.on('end', () => done({ ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, body: body.trim() }));
    res.on('error', (e) => done({ ok: false, error: e.code || e.message }));
  });
  req.on('timeout', () => { req.destroy(); done({ ok: false, error: 'TIMEOUT' }); });
  req.on('error', (e) => done({ ok: false, error: e.code || e.message }));
}
console.error('prober started');
setInterval(probe, Number(interval));
probe();
process.on('SIGTERM', () => process.exit(0));
`;

/** One probe's outcome. */
export interface ProbeResult {
  seq: number;
  /** When the probe started, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  start: number;
  /** Time to the outcome, ms. */
  ms: number;
  ok: boolean;
  status?: number;
  /** The response body, trimmed (the stand-in answers its node's name). */
  body?: string;
  /** `ECONNREFUSED`, `EHOSTUNREACH`, `TIMEOUT`, ... */
  error?: string;
}

export interface HttpProberOptions {
  /** Milliseconds between probe starts. Default 10. */
  intervalMs?: number;
  /** Per-probe limit. Default 1000 ms. */
  timeoutMs?: number;
  name?: string;
}

/**
 * Probes a URL from inside a namespace at a fixed rate (default every 10 ms), for failover
 * measurements: the time from a fault (taken with `epochNow()`) to the first probe answered by
 * the new owner is `firstAfter(fault, r => r.body === 'node2')`.
 */
export class HttpProber {
  /** Every outcome so far, in the order they completed. */
  readonly results: ProbeResult[];
  readonly process: LabProcess;

  private constructor(proc: LabProcess, results: ProbeResult[]) {
    this.process = proc;
    this.results = results;
  }

  static async start(netns: Netns, url: string, options: HttpProberOptions = {}): Promise<HttpProber> {
    const results: ProbeResult[] = [];
    const proc = await netns.spawn(
      [
        process.execPath,
        '-e',
        proberScript,
        url,
        String(options.intervalMs ?? 10),
        String(options.timeoutMs ?? 1000),
      ],
      {
        name: options.name ?? 'http-prober',
        env: { NODE_OPTIONS: '' },
        onLine: (line, stream) => {
          if (stream !== 'stdout' || !line.startsWith('{')) return;
          try {
            results.push(JSON.parse(line) as ProbeResult);
          } catch {
            // A torn line at shutdown: ignore.
          }
        },
      },
    );
    const prober = new HttpProber(proc, results);
    await proc.waitForLog('prober started', { timeoutMs: 15_000 });
    return prober;
  }

  /** Results of probes started at or after `epochMs`. */
  since(epochMs: number): ProbeResult[] {
    return this.results.filter((r) => r.start >= epochMs);
  }

  /** The first probe started at or after `epochMs` that matches, or undefined. */
  firstAfter(epochMs: number, predicate: (r: ProbeResult) => boolean): ProbeResult | undefined {
    return this.results
      .filter((r) => r.start >= epochMs && predicate(r))
      .sort((a, b) => a.start - b.start)[0];
  }

  /** Waits for a matching probe started at or after `epochMs`. */
  waitFor(
    epochMs: number,
    predicate: (r: ProbeResult) => boolean,
    options: { timeoutMs: number; description: string },
  ) {
    return waitFor(() => this.firstAfter(epochMs, predicate), { ...options, intervalMs: 10 });
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** The clock the prober uses: ms since the epoch with sub-ms resolution. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Starts an HTTP prober in `netns` (see HttpProber). */
export function startHttpProber(
  netns: Netns,
  url: string,
  options: HttpProberOptions = {},
): Promise<HttpProber> {
  return HttpProber.start(netns, url, options);
}
