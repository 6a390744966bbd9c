import type { Netns } from '../netns.js';

export interface CurlOptions {
  /** Whole-request limit in seconds. Default 2. */
  maxTimeS?: number;
  /** Connect limit in seconds. Default 1. */
  connectTimeoutS?: number;
  /** Source interface or address (`--interface`). */
  interface?: string;
  /** Extra curl arguments. */
  args?: readonly string[];
}

export interface CurlResult {
  /** True for a 2xx status. */
  ok: boolean;
  /** HTTP status, 0 when no response came. */
  status: number;
  body: string;
  /** curl's exit code (0 success, 7 connection refused, 28 time-out, ...). */
  exitCode: number | null;
  /** curl's error message when it failed. */
  error: string;
}

const marker = '\n__ILB_NETLAB_HTTP_STATUS__';

/**
 * `curl` from inside `netns`: never throws for HTTP or connection failures. Proxies from the
 * environment are ignored (`--noproxy '*'`): lab addresses are never behind a proxy.
 */
export async function curl(netns: Netns, url: string, options: CurlOptions = {}): Promise<CurlResult> {
  const maxTime = options.maxTimeS ?? 2;
  const argv = [
    'curl',
    '-sS',
    '--noproxy',
    '*',
    '-m',
    String(maxTime),
    '--connect-timeout',
    String(options.connectTimeoutS ?? 1),
    '-w',
    `${marker}%{http_code}`,
    ...(options.interface ? ['--interface', options.interface] : []),
    ...(options.args ?? []),
    url,
  ];
  const result = await netns.exec(argv, { timeoutMs: (maxTime + 5) * 1000 });
  const at = result.stdout.lastIndexOf(marker);
  const body = at >= 0 ? result.stdout.slice(0, at) : result.stdout;
  const status = at >= 0 ? Number(result.stdout.slice(at + marker.length).trim()) || 0 : 0;
  return {
    ok: result.code === 0 && status >= 200 && status < 300,
    status,
    body,
    exitCode: result.code,
    error: result.stderr.trim(),
  };
}

/** `http://198.51.100.10:80/` or `http://[2001:db8:100::10]:80/`. */
export function httpUrl(ip: string, port = 80, path = '/'): string {
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}${path}`;
}
