// A membership agent as a process of its own, for integration tests and the benchmark (kill -9
// needs a real process). Run it with
//   node --conditions=@ironlb/source --import tsx packages/membership/src/testing/agent-process.ts '<json>'
// where <json> is an AgentProcessConfig. It prints one JSON object per line on stdout:
//   {"event":"ready","port":...}                      once listening
//   {"event":"memberChanged","member":...,"to":...,"wallTime":...,"reason":...}
//   {"event":"quorumChanged","hasQuorum":...,"wallTime":...}
//   {"event":"quorumChecked","confirmed":...,"startedAtWall":...,"wallTime":...}
//   {"event":"stats", ...}                            on SIGUSR2
// SIGTERM makes it leave cleanly (others see `left` at once); SIGKILL is a crash.
// It exits by itself when its parent goes away (stdin closes), so it never outlives a test.
import { pino } from 'pino';
import type { DetectorSettings } from '../core/settings.js';
import { type MemberAddress, MembershipAgent } from '../node/membership-agent.js';

export interface AgentProcessConfig {
  self: string;
  bind: { address: string; port: number };
  members: MemberAddress[];
  /** Hex of the HMAC key (and the previous one during a rotation). */
  keyHex: string;
  previousKeyHex?: string;
  settings?: Partial<DetectorSettings>;
  logLevel?: string;
}

function print(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as AgentProcessConfig;
  const logger = pino({ level: config.logLevel ?? 'warn' }, pino.destination(2));
  const agent = await MembershipAgent.start({
    self: config.self,
    bind: config.bind,
    keys: {
      current: Buffer.from(config.keyHex, 'hex'),
      previous: config.previousKeyHex ? Buffer.from(config.previousKeyHex, 'hex') : undefined,
    },
    settings: config.settings,
    logger,
  });
  agent.onEvent((e) => {
    if (e.type === 'memberChanged')
      print({
        event: e.type,
        member: e.change.member,
        from: e.change.from,
        to: e.change.to,
        reason: e.change.reason,
        wallTime: e.wallTime,
      });
    else if (e.type === 'quorumChanged')
      print({
        event: e.type,
        hasQuorum: e.quorum.hasQuorum,
        reachable: e.quorum.reachable,
        wallTime: e.wallTime,
      });
    else
      print({
        event: e.type,
        confirmed: e.result.confirmed,
        startedAtWall: agent.wallTimeOf(e.result.startedAt),
        wallTime: e.wallTime,
      });
  });
  agent.setMembers(config.members);
  print({ event: 'ready', port: agent.localAddress.port, wallTime: Date.now() });
  const stats = () => {
    const s = agent.stats;
    print({ event: 'stats', packets: s.packets, dropped: s.droppedTotals(), view: agent.view() });
  };
  process.on('SIGUSR2', stats);
  process.on('SIGTERM', () => {
    void agent.leave().then(() => process.exit(0));
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((err: unknown) => {
  process.stderr.write(`agent-process failed: ${String(err)}\n`);
  process.exit(1);
});
