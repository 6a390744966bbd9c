import type { Netns } from '../netns.js';

export interface PingOptions {
  /** Echo requests to send. Default 1. */
  count?: number;
  /** Seconds between requests (iputils allows 0.002 and up as root). Default 0.2. */
  intervalS?: number;
  /** Overall deadline in seconds. Default count * interval + 2. */
  deadlineS?: number;
  /** Source address or interface (`-I`). */
  source?: string;
}

export interface PingResult {
  transmitted: number;
  received: number;
  /** Percentage of requests without reply. */
  lossPercent: number;
  /** Average round-trip time in ms, when any reply came. */
  rttAvgMs: number | undefined;
  /** True when at least one reply came. */
  ok: boolean;
  output: string;
}

/** `ping` from inside `netns`; never throws for lost packets (the result says). */
export async function ping(netns: Netns, target: string, options: PingOptions = {}): Promise<PingResult> {
  const count = options.count ?? 1;
  const interval = options.intervalS ?? 0.2;
  const deadline = options.deadlineS ?? Math.ceil(count * interval + 2);
  const argv = ['ping', '-n', '-q', '-c', String(count), '-i', String(interval), '-w', String(deadline)];
  if (options.source) argv.push('-I', options.source);
  argv.push(target);
  const result = await netns.exec(argv, { timeoutMs: (deadline + 5) * 1000 });
  return parsePingOutput(result.stdout + result.stderr);
}

/** Parses iputils ping's summary lines. */
export function parsePingOutput(output: string): PingResult {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  const rtt = /= [\d.]+\/([\d.]+)\/[\d.]+/.exec(output);
  const transmitted = Number(counts?.[1] ?? 0);
  const received = Number(counts?.[2] ?? 0);
  return {
    transmitted,
    received,
    lossPercent: transmitted === 0 ? 100 : ((transmitted - received) * 100) / transmitted,
    rttAvgMs: rtt ? Number(rtt[1]) : undefined,
    ok: received > 0,
    output,
  };
}
