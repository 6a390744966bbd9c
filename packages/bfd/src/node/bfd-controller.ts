import type { ProfileProblem } from '../core/profile.js';
import type { AddSessionResult } from './bfd-manager.js';
import type { BfdEvent, BfdSessionInfo, BfdSessionSpec } from './session-types.js';
import type { BfdStats } from './stats.js';

type Awaitable<T> = T | Promise<T>;

export type UpdateProfileResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'notFound' | 'invalidProfile';
      readonly problems?: ProfileProblem[];
    };

/**
 * What a consumer (the speaker) needs from BFD, whether the sessions run on the caller's event
 * loop (`BfdManager`) or in their own thread (`BfdWorker`). Always `await` the results.
 */
export interface BfdController {
  addSession(spec: BfdSessionSpec): Promise<AddSessionResult>;
  removeSession(key: string, options?: { adminDown?: boolean }): Promise<boolean>;
  updateProfile(key: string, profile: BfdSessionSpec['profile']): Awaitable<UpdateProfileResult>;
  setAdminDown(key: string, down: boolean): Awaitable<boolean>;
  sessions(): Awaitable<BfdSessionInfo[]>;
  stats(): Awaitable<BfdStats>;
  resetStats(): Awaitable<void>;
  /** Subscribes to session events; returns the unsubscribe function. */
  on(listener: (event: BfdEvent) => void): () => void;
  close(options?: { adminDown?: boolean }): Promise<void>;
}
