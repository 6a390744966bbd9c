// `npm run bench:emulator`: the emulator's raw write rate and watch fan-out.
//  1. 10,000 Service creates from one client with keep-alive: sequential on one connection
//     (Node's http client), 16 in flight on one keep-alive agent, and HTTP/1.1-pipelined on
//     one raw connection (the server's own rate).
//  2. The same with 50 concurrent watchers on /api/v1/services: each must receive every
//     ADDED event exactly once, in RV order.
//  3. Memory: the emulator's RSS once it holds 50,000 objects.
// The emulator runs in its own process (`ironlb emulator`), as in the lab. The last line
// printed is one JSON object with every figure.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';

const TOKEN = 'bench-admin-token';
const root = new URL('../../../', import.meta.url).pathname;

async function startServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@ironlb/source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'emulator',
      '--no-tls',
      '--port',
      '0',
      '--admin-token',
      TOKEN,
      '--log-level',
      'warn',
      '--log-format',
      'json',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('emulator did not start in 30 s')), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(t);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

function call(
  agent: Agent,
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url + path,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          ...(data ? { 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 300) {
          // The happy path reads nothing: keep the client's share of the CPU small.
          res.resume();
          res.on('end', () => resolve({ status, text: '' }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function service(name: string): object {
  return {
    metadata: { name, labels: { app: name, bench: 'yes' } },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

async function createMany(url: string, ns: string, count: number, inFlight: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const r = await call(agent, url, 'POST', `/api/v1/namespaces/${ns}/services`, service(`s${i}`));
        if (r.status !== 201) throw new Error(`create s${i}: ${r.status} ${r.text}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return count / seconds;
}

/**
 * HTTP/1.1 pipelining on one raw keep-alive connection: the server's own write rate, with
 * next to no client cost (Node's http client costs more per request than the emulator).
 */
async function createPipelined(url: string, ns: string, count: number): Promise<number> {
  const u = new URL(url);
  const sock = connect(Number(u.port), u.hostname);
  await new Promise((r) => sock.once('connect', r));
  let responses = 0;
  let failures = 0;
  let tail = '';
  const done = new Promise<void>((resolve) =>
    sock.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      let i = text.indexOf('HTTP/1.1 ');
      while (i >= 0) {
        if (text.length < i + 12) break;
        if (text.slice(i + 9, i + 12) !== '201') {
          if (failures === 0) console.error(text.slice(i, i + 400));
          failures++;
        }
        responses++;
        i = text.indexOf('HTTP/1.1 ', i + 12);
      }
      tail = text.slice(Math.max(0, text.length - 11));
      if (responses >= count) resolve();
    }),
  );
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify(service(`p${i}`));
    sock.write(
      `POST /api/v1/namespaces/${ns}/services HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  await done;
  const seconds = (performance.now() - t0) / 1000;
  sock.destroy();
  if (failures) throw new Error(`${failures} pipelined creates failed`);
  return count / seconds;
}

interface WatchTotals {
  complete: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
}

/**
 * 50 watchers in a worker thread (so their parsing does not slow the writer): each counts
 * the ADDED events it gets, and flags duplicates and RVs that do not increase.
 */
const watcherCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { createInterface } = require('node:readline');
const { url, path, token, watchers, expect } = workerData;
const state = [];
let ready = 0;
for (let i = 0; i < watchers; i++) {
  const s = { events: 0, duplicates: 0, outOfOrder: 0, lastRv: 0, seen: new Set() };
  state.push(s);
  request(url + path, { headers: { authorization: 'Bearer ' + token } }, (res) => {
    if (++ready === watchers) parentPort.postMessage({ ready: true });
    createInterface({ input: res }).on('line', (line) => {
      if (!line.startsWith('{"type":"ADDED"')) return;
      const name = /"name":"([^"]+)"/.exec(line)[1];
      const rv = Number(/"resourceVersion":"(\\d+)"/.exec(line)[1]);
      if (rv <= s.lastRv) s.outOfOrder++;
      s.lastRv = rv;
      if (s.seen.has(name)) s.duplicates++;
      s.seen.add(name);
      s.events++;
    });
  }).end();
}
const deadline = Date.now() + 120000;
const timer = setInterval(() => {
  if (state.every((s) => s.events >= expect) || Date.now() > deadline) {
    clearInterval(timer);
    parentPort.postMessage({
      complete: state.filter((s) => s.events === expect).length,
      missing: state.reduce((n, s) => n + Math.max(0, expect - s.events), 0),
      duplicates: state.reduce((n, s) => n + s.duplicates, 0),
      outOfOrder: state.reduce((n, s) => n + s.outOfOrder, 0),
    });
    process.exit(0);
  }
}, 50);
`;

async function startWatchers(
  url: string,
  path: string,
  watchers: number,
  expect: number,
): Promise<{ done: Promise<WatchTotals> }> {
  const worker = new Worker(watcherCode, {
    eval: true,
    workerData: { url, path, token: TOKEN, watchers, expect },
  });
  await new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const done = new Promise<WatchTotals>((resolve, reject) => {
    worker.once('message', (m: WatchTotals) => resolve(m));
    worker.once('error', reject);
  });
  return { done };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

async function main(): Promise<void> {
  const server = await startServer();
  const admin = new Agent({ keepAlive: true });
  try {
    console.log(`emulator at ${server.url} (pid ${server.pid})`);
    for (const ns of ['seq', 'conc', 'pipe', 'watched', 'fill'])
      await call(admin, server.url, 'POST', '/api/v1/namespaces', { metadata: { name: ns } });
    // warm-up (JIT)
    await createMany(server.url, 'default', 1000, 8);

    const sequential = await createMany(server.url, 'seq', 10_000, 1);
    console.log(`10,000 creates, sequential on one keep-alive connection: ${sequential.toFixed(0)}/s`);
    const concurrent = await createMany(server.url, 'conc', 10_000, 16);
    console.log(`10,000 creates, 16 in flight on one keep-alive agent: ${concurrent.toFixed(0)}/s`);

    const pipelined = await createPipelined(server.url, 'pipe', 10_000);
    console.log(`10,000 creates, HTTP/1.1-pipelined on one keep-alive connection: ${pipelined.toFixed(0)}/s`);

    const totals = await startWatchers(
      server.url,
      '/api/v1/namespaces/watched/services?watch=true',
      50,
      10_000,
    );
    const withWatchers = await createMany(server.url, 'watched', 10_000, 16);
    const { complete, missing, duplicates, outOfOrder } = await totals.done;
    console.log(
      `10,000 creates with 50 watchers: ${withWatchers.toFixed(0)}/s; watchers complete ${complete}/50, missing ${missing}, duplicates ${duplicates}, out of order ${outOfOrder}`,
    );

    const have = 1000 + 40_000 + 4 + 5 + 1; // warm-up, four phases, namespaces, default/kubernetes
    const fill = 50_000 - have;
    await createMany(server.url, 'fill', fill, 16);
    await new Promise((r) => setTimeout(r, 1000));
    const rss = rssMb(server.pid);
    console.log(`RSS with ~50,000 objects: ${rss} MB`);
    console.log(
      JSON.stringify({
        bench: 'emulator',
        createsPerSecSequential: Math.round(sequential),
        createsPerSecConcurrent16: Math.round(concurrent),
        createsPerSecPipelined: Math.round(pipelined),
        createsPerSecWith50Watchers: Math.round(withWatchers),
        watchers: 50,
        watchersComplete: complete,
        watchEventsMissing: missing,
        watchEventsDuplicated: duplicates,
        watchEventsOutOfOrder: outOfOrder,
        objects: 50_000,
        rssMb: rss,
        targets: { createsPerSec: 3000, rssMb: 500 },
      }),
    );
  } finally {
    admin.destroy();
    server.stop();
  }
}

await main();
