import type { BfdEvent } from './session-types.js';

/** What the main thread gives the worker at start. */
export interface BfdWorkerData {
  readonly logLevel: string;
  readonly controlPort?: number;
  /** A module exporting a `CreateUdpSocket` (e.g. `@ironlb/sys`), loaded inside the worker. */
  readonly socketModule?: { readonly specifier: string; readonly exportName: string };
}

/** Calls from the main thread: the `BfdController` methods by name. */
export interface WorkerRequest {
  readonly id: number;
  readonly method:
    | 'addSession'
    | 'removeSession'
    | 'updateProfile'
    | 'setAdminDown'
    | 'sessions'
    | 'stats'
    | 'resetStats'
    | 'close';
  readonly args: readonly unknown[];
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly value?: unknown;
      readonly error?: { message: string; code?: string };
    }
  | { readonly type: 'event'; readonly event: BfdEvent }
  | { readonly type: 'log'; readonly line: string };
