// Everything a request handler needs, assembled once by startEmulator().
import type { ObjectApi } from '../api/object-api.js';
import type { TokenAuthenticator } from '../auth/authn.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import type { OpenApi } from '../discovery/openapi.js';
import type { Faults } from '../faults.js';
import type { Registry } from '../kinds/registry.js';
import type { Store } from '../store/store.js';

/** The few logger methods the emulator uses (pino's Logger satisfies it). */
export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType: string;
  status: number;
  user: string;
}

export interface ServerEnv {
  api: ObjectApi;
  store: Store;
  registry: Registry;
  openapi: OpenApi;
  faults: Faults;
  authn: TokenAuthenticator;
  rbac: RbacAuthorizer;
  logger: EmulatorLogger | undefined;
  now: () => number;
  random: () => number;
  config: {
    /** Reported in /version; picks the kubectl the dispatcher runs. */
    minorVersion: number;
    rbacEnabled: boolean;
    /** Default watch timeout: random in [min, 2*min] seconds, as the real server. */
    watchTimeoutSeconds: number;
    bookmarkIntervalMs: number;
    serverAddress(): string;
  };
  /** The last requests, for tests that assert on what a client sent. */
  requestLog: RequestRecord[];
  requestLogLimit: number;
}
