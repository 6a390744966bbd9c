// Starts test/l2/announcer-runner.ts inside a lab namespace and talks to it.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnnouncerOptions, L2Counters, InterfaceStatus } from '@ironlb/l2';
import { waitFor, type LabProcess, type Netns } from '@ironlb/netlab';

const runner = fileURLToPath(new URL('./announcer-runner.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** An announcer event as it crossed the process boundary (addresses as strings). */
export interface RemoteEvent {
  type: 'probeStarted' | 'claimed' | 'released' | 'conflict';
  ifname: string;
  ip: string;
  mac?: string;
  evidence?: string;
  outcome?: 'notClaimed' | 'defended';
  probed?: boolean;
}

export class AnnouncerProcess {
  readonly events: RemoteEvent[] = [];
  #conn!: Socket;
  #id = 0;
  readonly #pending = new Map<
    number,
    (r: { ok: boolean; result?: unknown; error?: string; at: number }) => void
  >();
  process!: LabProcess;

  static async start(
    netns: Netns,
    name: string,
    options: Pick<
      AnnouncerOptions,
      'interfaces' | 'schedule' | 'maxRepliesPerSecond' | 'rescanIntervalMs'
    > = {},
  ): Promise<AnnouncerProcess> {
    const a = new AnnouncerProcess();
    const sock = join(netns.labDir, `${name}.sock`);
    let ready = false;
    a.process = await netns.spawn(
      [
        process.execPath,
        '--conditions=@ironlb/source',
        '--import',
        'tsx',
        runner,
        sock,
        JSON.stringify(options),
      ],
      {
        name,
        cwd: root,
        onLine: (line, stream) => {
          if (stream !== 'stdout' || !line.startsWith('{')) return;
          const msg = JSON.parse(line) as { type: string; event?: RemoteEvent };
          if (msg.type === 'ready') ready = true;
          if (msg.type === 'event' && msg.event) a.events.push(msg.event);
        },
      },
    );
    await waitFor(() => ready || (a.process.alive() ? false : Promise.reject(a.process.exitedError())), {
      timeoutMs: 30_000,
      description: `${name} ready`,
    });
    a.#conn = connect(sock);
    await new Promise<void>((resolve, reject) => a.#conn.once('connect', resolve).once('error', reject));
    let buf = '';
    a.#conn.setEncoding('utf8');
    a.#conn.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const r = JSON.parse(buf.slice(0, nl)) as {
          id: number;
          ok: boolean;
          result?: unknown;
          error?: string;
          at: number;
        };
        buf = buf.slice(nl + 1);
        a.#pending.get(r.id)?.(r);
        a.#pending.delete(r.id);
      }
    });
    a.#conn.on('error', () => {});
    return a;
  }

  async request<T>(cmd: string, extra: Record<string, unknown> = {}): Promise<{ result: T; at: number }> {
    const id = ++this.#id;
    const reply = new Promise<{ ok: boolean; result?: unknown; error?: string; at: number }>(
      (resolve, reject) => {
        this.#pending.set(id, resolve);
        setTimeout(() => reject(new Error(`${cmd}: no answer in 10 s`)), 10_000).unref();
      },
    );
    this.#conn.write(`${JSON.stringify({ id, cmd, ...extra })}\n`);
    const r = await reply;
    if (!r.ok) throw new Error(`${cmd}: ${r.error}`);
    return { result: r.result as T, at: r.at };
  }

  /** setOwned in the runner; `at` is the realtime (ms) just before the call. */
  setOwned(owned: Record<string, string[]>, unclaimed: string[] = []): Promise<{ at: number }> {
    return this.request('setOwned', { owned, unclaimed });
  }

  async counters(): Promise<L2Counters> {
    return (await this.request<L2Counters>('counters')).result;
  }

  async interfaces(): Promise<InterfaceStatus[]> {
    return (await this.request<InterfaceStatus[]>('interfaces')).result;
  }

  async stop(): Promise<void> {
    try {
      await this.request('close');
    } catch {
      // already gone
    }
    this.#conn?.destroy();
    await this.process.stop({ graceMs: 3000 });
  }
}
