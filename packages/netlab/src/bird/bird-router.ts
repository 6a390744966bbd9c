import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, throwIfFailed } from '../command.js';
import type { LabProcess } from '../lab-process.js';
import type { Netns } from '../netns.js';
import { requireTools } from '../privileges.js';
import { abortWait, waitFor } from '../wait-for.js';
import { renderBirdConfig, type BirdConfig } from './bird-config.js';
import {
  parseBirdProtocols,
  parseBirdRouteCount,
  parseBirdRoutes,
  stripBirdBanner,
  type BirdProtocol,
  type BirdRoute,
  type BirdRouteCount,
} from './birdc-parse.js';

export interface BirdOptions {
  /** Typed configuration, or raw bird.conf text. */
  config: BirdConfig | string;
  /** Default 20 s. */
  startTimeoutMs?: number;
}

/**
 * BIRD 2 in a namespace, in the foreground as a tracked process, with its own control socket
 * in a private directory (network-lab.md section 6). The configuration is syntax-checked
 * (`bird -p`) before the start so that a mistake fails with BIRD's own message.
 */
export class BirdRouter {
  readonly netns: Netns;
  readonly dir: string;
  readonly socket: string;
  readonly process: LabProcess;

  private constructor(netns: Netns, dir: string, socket: string, proc: LabProcess) {
    this.netns = netns;
    this.dir = dir;
    this.socket = socket;
    this.process = proc;
  }

  static async start(netns: Netns, options: BirdOptions): Promise<BirdRouter> {
    requireTools(['bird', 'birdc']);
    const dir = join(netns.labDir, `${netns.short}-bird`);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const conf = join(dir, 'bird.conf');
    const socket = join(dir, 'bird.ctl');
    const text =
      typeof options.config === 'string'
        ? options.config
        : renderBirdConfig({ logFile: join(dir, 'bird.log'), ...options.config });
    writeFileSync(conf, text);
    const checkArgv = ['bird', '-p', '-c', conf];
    throwIfFailed(checkArgv, await runCommand(checkArgv), { namespace: netns.name });
    const proc = await netns.spawn(['bird', '-f', '-c', conf, '-s', socket, '-P', join(dir, 'bird.pid')], {
      name: 'bird',
      logFile: join(dir, 'bird.out'),
    });
    const router = new BirdRouter(netns, dir, socket, proc);
    await waitFor(
      async () => {
        if (!proc.alive()) throw abortWait(proc.exitedError());
        return (await runCommand(['birdc', '-s', socket, 'show status'], { timeoutMs: 5000 })).code === 0;
      },
      {
        timeoutMs: options.startTimeoutMs ?? 20_000,
        intervalMs: 10,
        description: `BIRD in ${netns.name} to answer birdc`,
      },
    );
    return router;
  }

  /** Runs a birdc command and returns its output without the banner. */
  async birdc(command: string): Promise<string> {
    const argv = ['birdc', '-s', this.socket, ...command.split(/\s+/)];
    const result = await runCommand(argv, { timeoutMs: 15_000 });
    throwIfFailed(argv, result, { namespace: this.netns.name });
    return stripBirdBanner(result.stdout);
  }

  async protocols(): Promise<BirdProtocol[]> {
    return parseBirdProtocols(await this.birdc('show protocols'));
  }

  /** BGP instances in state up/Established (dynamic ones included). */
  async establishedBgp(): Promise<BirdProtocol[]> {
    return (await this.protocols()).filter((p) => p.proto === 'BGP' && p.info.startsWith('Established'));
  }

  async routeCount(): Promise<BirdRouteCount> {
    return parseBirdRouteCount(await this.birdc('show route count'));
  }

  /** Routes in BIRD's tables, optionally for one prefix. */
  async routes(prefix?: string): Promise<BirdRoute[]> {
    return parseBirdRoutes(await this.birdc(prefix ? `show route all ${prefix}` : 'show route all'));
  }

  /** Re-reads bird.conf (after the caller rewrote it). */
  async reconfigure(): Promise<string> {
    return this.birdc('configure');
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** Starts BIRD in `netns` (see BirdRouter). */
export function startBird(netns: Netns, options: BirdOptions): Promise<BirdRouter> {
  return BirdRouter.start(netns, options);
}
