// The worker side of `BfdWorker`: a `BfdManager` on its own event loop, driven by messages.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { BfdManager } from './bfd-manager.js';
import { dgramSocketFactory, type CreateUdpSocket } from './sockets.js';
import type { BfdWorkerData, WorkerMessage, WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const data = workerData as BfdWorkerData;
const post = (m: WorkerMessage) => port.postMessage(m);

// Log records travel to the main thread as JSON lines and are re-logged there.
const logger = pino({ level: data.logLevel }, { write: (line: string) => post({ type: 'log', line }) });

let createUdpSocket: CreateUdpSocket | undefined;
if (data.socketModule) {
  const mod = (await import(data.socketModule.specifier)) as Record<string, unknown>;
  createUdpSocket = mod[data.socketModule.exportName] as CreateUdpSocket;
}
const manager = new BfdManager({
  logger,
  sockets: dgramSocketFactory(createUdpSocket ? { createUdpSocket } : {}),
  ...(data.controlPort !== undefined ? { controlPort: data.controlPort } : {}),
});
manager.on((event) => post({ type: 'event', event }));

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      const target = manager as unknown as Record<string, (...a: unknown[]) => unknown>;
      const value = await target[req.method]!.apply(manager, [...req.args]);
      post({ type: 'reply', id: req.id, value });
      if (req.method === 'close') port.close();
    } catch (err) {
      const e = err as { message?: string; code?: string };
      post({
        type: 'reply',
        id: req.id,
        error: { message: String(e.message ?? err), ...(e.code ? { code: e.code } : {}) },
      });
    }
  })();
});
post({ type: 'ready' });
