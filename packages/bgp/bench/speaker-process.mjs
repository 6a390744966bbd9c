#!/usr/bin/env node
// A minimal BGP speaker process over @ironlb/bgp, for the interop tests (test/bgp) and the
// benchmark (bench:bgp). It is a test and measurement tool, not the product's speaker.
//
//   node speaker-process.mjs <config.json>
//
// config: { sessions: BgpSessionOptions[] (JSON-safe fields), routes?: Advertisement[],
//           hosts?: { start: 'a.b.c.d', count, communities?, largeCommunities?, localPref?, med? },
//           listen?: { host, port }, control?: '/path/to/unix.sock', logLevel?: 'debug' }
// stdout: one JSON object per line: ready, stateChange, established, down (with `t`, ms since
//         this process started, from performance.now()).
// control socket: JSON lines in, one JSON line out per command:
//   {cmd:'set', routes?, hosts?} {cmd:'stats'} {cmd:'reset', cause} {cmd:'stop', keepRoutes?}
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { AdvertisementTable, BgpListener, BgpSession } from '@ironlb/bgp';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = (o) => process.stdout.write(`${JSON.stringify({ ...o, t: performance.now() })}\n`);

function hostRoutes(spec) {
  const [a, b, c, d] = spec.start.split('.').map(Number);
  const base = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const routes = new Array(spec.count);
  for (let i = 0; i < spec.count; i++) {
    const v = base + i;
    routes[i] = {
      prefix: `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/32`,
      ...(spec.communities ? { communities: spec.communities } : {}),
      ...(spec.largeCommunities ? { largeCommunities: spec.largeCommunities } : {}),
      ...(spec.localPref !== undefined ? { localPref: spec.localPref } : {}),
      ...(spec.med !== undefined ? { med: spec.med } : {}),
    };
  }
  return routes;
}

function routesOf(c) {
  return [...(c.routes ?? []), ...(c.hosts ? hostRoutes(c.hosts) : [])];
}

const logger = config.logLevel
  ? (await import('pino')).default({ level: config.logLevel }, process.stderr)
  : undefined;
const needsSys = config.sessions.some((s) => s.password || s.ttlSecurity || s.ebgpMultihop);
const socketOptions = needsSys ? await import('@ironlb/sys') : undefined;

const sessions = config.sessions.map((options) => {
  const s = new BgpSession({
    ...options,
    ...(socketOptions ? { socketOptions } : {}),
    ...(logger ? { logger } : {}),
  });
  s.on('stateChange', (c) => out({ event: 'stateChange', peer: s.peer, from: c.from, to: c.to }));
  s.on('established', (n) =>
    out({ event: 'established', peer: s.peer, holdTime: n.holdTime, families: n.families }),
  );
  s.on('down', (d) => out({ event: 'down', peer: s.peer, reason: d.reason, notification: d.notification }));
  return s;
});

let listener;
if (config.listen) {
  listener = await BgpListener.listen({ ...config.listen, ...(socketOptions ? { socketOptions } : {}) });
  for (const [i, s] of sessions.entries()) listener.add(s, { password: config.sessions[i].password });
}

async function stopAll(keepRoutes) {
  await Promise.all(sessions.map((s) => s.stop({ keepRoutes, text: 'speaker stopping' })));
  await listener?.close();
}

async function command(c) {
  switch (c.cmd) {
    case 'set': {
      const routes = routesOf(c);
      return {
        results: sessions
          .map((s) => s.setAdvertisements(routes))
          .map((r) => ({ accepted: r.accepted, rejected: r.rejected.map((x) => x.reason) })),
      };
    }
    case 'stats':
      return {
        stats: sessions.map((s) => s.stats()),
        rss: process.memoryUsage().rss,
        heapUsed: process.memoryUsage().heapUsed,
      };
    case 'reset':
      for (const s of sessions) s.reset(c.cause);
      return {};
    case 'stop':
      await stopAll(c.keepRoutes);
      setImmediate(() => process.exit(0));
      return {};
    default:
      return { error: `unknown command ${c.cmd}` };
  }
}

if (config.control) {
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', async (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let reply;
        try {
          reply = { ok: true, ...(await command(JSON.parse(line))) };
        } catch (err) {
          reply = { ok: false, error: String(err) };
        }
        sock.write(`${JSON.stringify(reply)}\n`);
      }
    });
  });
  await new Promise((resolve) => server.listen(config.control, resolve));
}

if (config.routes || config.hosts) {
  const table = AdvertisementTable.from(routesOf(config));
  for (const s of sessions) s.setAdvertisements(table);
}
for (const s of sessions) s.start();
out({
  event: 'ready',
  pid: process.pid,
  memory: process.memoryUsage().rss,
  timeOrigin: performance.timeOrigin,
});

process.on('SIGTERM', () => void stopAll(false).then(() => process.exit(0)));
process.on('SIGINT', () => void stopAll(false).then(() => process.exit(0)));
