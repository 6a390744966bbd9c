import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { IronLbError } from '@ironlb/wire';
import type { Logger } from 'pino';
import type { AddSessionResult } from './bfd-manager.js';
import type { BfdController, UpdateProfileResult } from './bfd-controller.js';
import type { BfdEvent, BfdSessionInfo, BfdSessionSpec } from './session-types.js';
import type { BfdStats } from './stats.js';
import type { BfdWorkerData, WorkerMessage, WorkerRequest } from './worker-protocol.js';

export interface BfdWorkerOptions {
  readonly logger: Logger;
  /**
   * A module that exports a `CreateUdpSocket` (`{ specifier: '@ironlb/sys', exportName:
   * 'createUdpSocket' }`), imported inside the worker, for the TTL-255 check on receipt.
   * Functions cannot cross into a worker, hence a module name.
   */
  readonly socketModule?: { readonly specifier: string; readonly exportName?: string };
  readonly controlPort?: number;
}

const pinoLevels: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * The BFD manager in its own thread (`worker_threads`), so that its timers keep their
 * intervals while the speaker's main event loop is busy (encoding UPDATEs, parsing Kubernetes
 * objects): a 20 ms block of the main loop delays nothing here, and the OS schedules the
 * thread on its own. Same API as `BfdManager`, asynchronous; events and logs come back as
 * messages.
 */
export class BfdWorker implements BfdController {
  readonly #worker: Worker;
  readonly #log: Logger;
  readonly #events = new EventEmitter();
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #failed: Error | undefined;

  private constructor(worker: Worker, logger: Logger) {
    this.#worker = worker;
    this.#log = logger;
  }

  /** Starts the worker and resolves once its manager is ready. */
  static async start(options: BfdWorkerOptions): Promise<BfdWorker> {
    const here = new URL(import.meta.url);
    const entry = new URL(here.pathname.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', here);
    const data: BfdWorkerData = {
      logLevel: options.logger.level,
      ...(options.controlPort !== undefined ? { controlPort: options.controlPort } : {}),
      ...(options.socketModule
        ? {
            socketModule: {
              specifier: options.socketModule.specifier,
              exportName: options.socketModule.exportName ?? 'createUdpSocket',
            },
          }
        : {}),
    };
    // From sources (tests, the bench: `--import tsx`), the worker registers tsx's loader
    // itself before loading the TypeScript entry: module hooks do not reach worker threads.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true, workerData: data },
        )
      : new Worker(entry, { workerData: data });
    const self = new BfdWorker(worker, options.logger);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(new IronLbError('ERR_IRONLB_BFD_WORKER', 'the BFD worker failed to start', { cause: err }));
      worker.once('error', onError);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          worker.off('error', onError);
          resolve();
        } else self.#onMessage(m);
      });
    });
    worker.on('error', (err) => self.#fail(err));
    worker.on('exit', (code) => {
      if (!self.#failed) self.#fail(new Error(`BFD worker exited with code ${code}`));
    });
    return self;
  }

  on(listener: (event: BfdEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  addSession(spec: BfdSessionSpec): Promise<AddSessionResult> {
    return this.#call('addSession', [spec]) as Promise<AddSessionResult>;
  }

  removeSession(key: string, options: { adminDown?: boolean } = {}): Promise<boolean> {
    return this.#call('removeSession', [key, options]) as Promise<boolean>;
  }

  updateProfile(key: string, profile: BfdSessionSpec['profile']): Promise<UpdateProfileResult> {
    return this.#call('updateProfile', [key, profile]) as Promise<UpdateProfileResult>;
  }

  setAdminDown(key: string, down: boolean): Promise<boolean> {
    return this.#call('setAdminDown', [key, down]) as Promise<boolean>;
  }

  sessions(): Promise<BfdSessionInfo[]> {
    return this.#call('sessions', []) as Promise<BfdSessionInfo[]>;
  }

  stats(): Promise<BfdStats> {
    return this.#call('stats', []) as Promise<BfdStats>;
  }

  async resetStats(): Promise<void> {
    await this.#call('resetStats', []);
  }

  async close(options: { adminDown?: boolean } = {}): Promise<void> {
    if (this.#failed) return;
    await this.#call('close', [options]);
    this.#failed = new IronLbError('ERR_IRONLB_BFD_CLOSED', 'the BFD worker is closed');
    await this.#worker.terminate();
  }

  #call(method: WorkerRequest['method'], args: readonly unknown[]): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args } satisfies WorkerRequest);
    });
  }

  #onMessage(m: WorkerMessage): void {
    if (m.type === 'event') {
      try {
        this.#events.emit('event', m.event);
      } catch (err) {
        this.#log.error({ event: 'listenerFailed', err }, 'a BFD event listener threw');
      }
    } else if (m.type === 'reply') {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (!p) return;
      if (m.error) p.reject(new IronLbError(m.error.code ?? 'ERR_IRONLB_BFD_WORKER', m.error.message));
      else p.resolve(m.value);
    } else if (m.type === 'log') {
      this.#relog(m.line);
    }
  }

  #relog(line: string): void {
    try {
      const {
        level,
        msg,
        time: _t,
        pid: _p,
        hostname: _h,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      const name = pinoLevels[level as number] ?? 'info';
      this.#log[name](rest, typeof msg === 'string' ? msg : '');
    } catch {
      this.#log.info({ event: 'workerLog', line });
    }
  }

  #fail(err: Error): void {
    this.#failed = new IronLbError('ERR_IRONLB_BFD_WORKER', 'the BFD worker stopped', { cause: err });
    this.#log.error({ event: 'workerFailed', err }, 'the BFD worker stopped; its sessions are gone');
    for (const p of this.#pending.values()) p.reject(this.#failed);
    this.#pending.clear();
  }
}
