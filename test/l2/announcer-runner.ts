// Runs one Announcer in the network namespace it was started in (`ip netns exec NS node ...`),
// as the speaker would, controlled by the test through a Unix socket (JSON lines). Started by
// announcer-process.ts; not a test file.
//
//   argv: <control socket path> <options JSON>
//   stdout: one JSON line per announcer event: {"type":"event","event":{...}}
//   requests: {"id":1,"cmd":"setOwned","owned":{"eth0":["198.51.100.10"]},"unclaimed":[]}
//             {"id":2,"cmd":"counters"} {"id":3,"cmd":"owned"} {"id":4,"cmd":"interfaces"}
//             {"id":5,"cmd":"close"}
//   responses: {"id":1,"ok":true,"result":...,"at":<realtime ms with µs fraction>}
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { Announcer, type AnnouncerOptions } from '@ironlb/l2';

const [socketPath, optionsJson] = process.argv.slice(2);
if (!socketPath) throw new Error('usage: announcer-runner <socket> [options JSON]');
const options = JSON.parse(optionsJson ?? '{}') as Pick<
  AnnouncerOptions,
  'interfaces' | 'schedule' | 'maxRepliesPerSecond' | 'rescanIntervalMs'
>;
const realtime = () => performance.timeOrigin + performance.now();
const logger = pino({ level: process.env.IRONLB_L2_LOG ?? 'info' }, pino.destination(2));

const announcer = await Announcer.start({
  ...options,
  logger,
  onEvent: (event) =>
    process.stdout.write(
      `${JSON.stringify({ type: 'event', event }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}\n`,
    ),
});

// Event-loop delay of this process (for the bench: is a slow reply our loop, or the CPU?).
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

type Request = { id: number; cmd: string; owned?: Record<string, string[]>; unclaimed?: string[] };

function handle(req: Request): unknown {
  switch (req.cmd) {
    case 'setOwned': {
      announcer.setOwned(req.owned ?? {}, { unclaimed: req.unclaimed ?? [] });
      return null;
    }
    case 'counters':
      return announcer.counters();
    case 'owned':
      return announcer.owned().map((o) => ({ ifname: o.ifname, ip: o.ip.toString(), phase: o.phase }));
    case 'interfaces':
      return announcer.interfaces();
    case 'loopDelay': {
      const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
      const r = {
        p50ms: ms(loopDelay.percentile(50)),
        p99ms: ms(loopDelay.percentile(99)),
        maxms: ms(loopDelay.max),
      };
      loopDelay.reset();
      return r;
    }
    case 'close':
      setImmediate(() => {
        announcer.close();
        server.close();
        rmSync(socketPath, { force: true });
        process.exit(0);
      });
      return null;
    default:
      throw new Error(`unknown command ${req.cmd}`);
  }
}

rmSync(socketPath, { force: true });
const server = createServer((conn) => {
  let buf = '';
  conn.setEncoding('utf8');
  conn.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const req = JSON.parse(line) as Request;
      const at = realtime();
      try {
        const result = handle(req);
        conn.write(`${JSON.stringify({ id: req.id, ok: true, result, at })}\n`);
      } catch (err) {
        conn.write(`${JSON.stringify({ id: req.id, ok: false, error: String(err), at })}\n`);
      }
    }
  });
  conn.on('error', () => {});
});
server.listen(socketPath, () =>
  process.stdout.write(`${JSON.stringify({ type: 'ready', pid: process.pid })}\n`),
);
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    announcer.close();
    rmSync(socketPath, { force: true });
    process.exit(0);
  });
}
