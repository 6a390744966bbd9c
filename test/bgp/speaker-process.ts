import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor, type LabProcess, type Netns } from '@ironlb/netlab';

/**
 * Runs `packages/bgp/bench/speaker-process.mjs` (a BGP speaker over @ironlb/bgp) in a lab
 * namespace and talks to it: its stdout events, and commands over its control socket.
 */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const speakerScript = join(repoRoot, 'packages/bgp/bench/speaker-process.mjs');

export interface SpeakerEvent {
  event: string;
  t: number;
  peer?: string;
  to?: string;
  reason?: string;
  notification?: { direction: string; code: number; subcode: number; text: string };
  [field: string]: unknown;
}

export interface SpeakerHandle {
  readonly process: LabProcess;
  readonly events: SpeakerEvent[];
  /** Resolves with the first event (already seen or future) that matches. */
  waitEvent(
    match: (e: SpeakerEvent) => boolean,
    description: string,
    timeoutMs?: number,
  ): Promise<SpeakerEvent>;
  command<T = Record<string, unknown>>(cmd: Record<string, unknown>): Promise<T & { ok: boolean }>;
  stop(keepRoutes?: boolean): Promise<void>;
}

export async function startSpeaker(
  netns: Netns,
  config: Record<string, unknown>,
  options: { fromSource?: boolean; name?: string } = {},
): Promise<SpeakerHandle> {
  const id = randomBytes(3).toString('hex');
  const name = options.name ?? `speaker-${id}`;
  const control = join(netns.labDir, `${netns.short}-${name}.sock`);
  const file = join(netns.labDir, `${netns.short}-${name}.json`);
  writeFileSync(file, JSON.stringify({ ...config, control }));
  const events: SpeakerEvent[] = [];
  const argv =
    options.fromSource === false
      ? ['node', speakerScript, file]
      : ['node', '--conditions=@ironlb/source', '--import', 'tsx', speakerScript, file];
  const proc = await netns.spawn(argv, {
    name,
    cwd: repoRoot,
    onLine: (line, stream) => {
      if (stream !== 'stdout') return;
      try {
        events.push(JSON.parse(line) as SpeakerEvent);
      } catch {
        // not an event line
      }
    },
  });
  const handle: SpeakerHandle = {
    process: proc,
    events,
    waitEvent: (match, description, timeoutMs = 20_000) =>
      waitFor(
        () => {
          if (!proc.alive() && !events.some(match))
            throw new Error(`speaker exited: ${proc.readLog().slice(-2000)}`);
          return events.find(match);
        },
        { timeoutMs, intervalMs: 20, description },
      ),
    command: (cmd) =>
      new Promise((resolve, reject) => {
        const sock = connect(control);
        let buf = '';
        sock.setEncoding('utf8');
        sock.on('data', (chunk: string) => {
          buf += chunk;
          const i = buf.indexOf('\n');
          if (i >= 0) {
            sock.destroy();
            resolve(JSON.parse(buf.slice(0, i)));
          }
        });
        sock.on('error', reject);
        sock.write(`${JSON.stringify(cmd)}\n`);
      }),
    async stop(keepRoutes = false) {
      if (!proc.alive()) return;
      await handle.command({ cmd: 'stop', keepRoutes }).catch(() => undefined);
      await proc.waitExit(10_000).catch(() => proc.kill('SIGKILL'));
    },
  };
  await handle.waitEvent((e) => e.event === 'ready', 'speaker ready');
  return handle;
}
