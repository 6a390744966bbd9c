import type { Netns } from '../netns.js';

export interface ArpingOptions {
  /** Interface to send on. Default `eth0`. */
  ifname?: string;
  /** Requests to send. Default 1. */
  count?: number;
  /** Overall deadline in seconds. Default 2. */
  deadlineS?: number;
  /** Whole seconds between requests (iputils arping 20221126 rejects fractions). Default 1. */
  intervalS?: number;
  /** Source address (`-s`). */
  source?: string;
  /**
   * `request` (default): ask who has `target` and collect replies. `unsolicited` (`-U`): a
   * gratuitous ARP request for `target`. `reply` (`-A`): a gratuitous ARP reply. The gratuitous
   * forms for an address that is not local need `ip_nonlocal_bind=1` (P8).
   */
  mode?: 'request' | 'unsolicited' | 'reply';
  /** Stop at the first reply (`-f`). Default true in request mode. */
  firstReplyOnly?: boolean;
}

export interface ArpingReply {
  ip: string;
  mac: string;
  unicast: boolean;
}

export interface ArpingResult {
  /** Probes sent, from arping's summary; undefined when arping could not run (see output). */
  sent: number | undefined;
  replies: ArpingReply[];
  /** Distinct MACs that answered (two means two hosts claim the address). */
  macs: string[];
  output: string;
  code: number | null;
}

/** iputils `arping` from inside `netns`; never throws for an unanswered request. */
export async function arping(
  netns: Netns,
  target: string,
  options: ArpingOptions = {},
): Promise<ArpingResult> {
  const mode = options.mode ?? 'request';
  const deadline = options.deadlineS ?? 2;
  const argv = [
    'arping',
    '-I',
    options.ifname ?? 'eth0',
    '-c',
    String(options.count ?? 1),
    '-w',
    String(deadline),
  ];
  if (options.intervalS !== undefined) argv.push('-i', String(Math.max(0, Math.round(options.intervalS))));
  if (mode === 'unsolicited') argv.push('-U');
  if (mode === 'reply') argv.push('-A');
  if (mode === 'request' && (options.firstReplyOnly ?? true)) argv.push('-f');
  if (options.source) argv.push('-s', options.source);
  argv.push(target);
  const result = await netns.exec(argv, { timeoutMs: (deadline + 5) * 1000 });
  return { ...parseArpingOutput(result.stdout), output: result.stdout + result.stderr, code: result.code };
}

/** Parses iputils arping output (`Unicast reply from 192.0.2.11 [02:00:00:00:00:02]  0.6ms`). */
export function parseArpingOutput(output: string): {
  sent: number | undefined;
  replies: ArpingReply[];
  macs: string[];
} {
  const replies: ArpingReply[] = [];
  for (const match of output.matchAll(/(Unicast|Broadcast) reply from (\S+) \[([0-9A-Fa-f:]+)\]/g)) {
    replies.push({
      ip: match[2] as string,
      mac: (match[3] as string).toLowerCase(),
      unicast: match[1] === 'Unicast',
    });
  }
  const sent = /Sent (\d+) probes?/.exec(output);
  return {
    sent: sent ? Number(sent[1]) : undefined,
    replies,
    macs: [...new Set(replies.map((reply) => reply.mac))],
  };
}
