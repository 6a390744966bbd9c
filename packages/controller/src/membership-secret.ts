// The speakers' failure detector authenticates every datagram with a key from a Secret
// (@ironlb/membership, docs/failure-detection.md). The controller creates that Secret when it
// is missing, with 256 random bits, so that an installation works without a manual step. It
// never reads the key back or changes an existing Secret (rotation is the operator's: put the
// new key in `key` and the old one in `previous-key`).
import { isAlreadyExists, isNotFound, type KubeApi } from '@ironlb/kube';
import type { Logger } from 'pino';

export const MEMBERSHIP_SECRET = 'ironlb-membership';
/** The data key the speakers read (and `previous-key` during a rotation). */
export const MEMBERSHIP_SECRET_KEY = 'key';
export const MEMBERSHIP_KEY_BYTES = 32;

export interface MembershipSecretOptions {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly name?: string;
  /** Cryptographically random bytes (node:crypto randomBytes in production). */
  readonly randomBytes: (n: number) => Uint8Array;
}

/** `exists`: someone (an operator, another replica, an earlier run) made it already. */
export type MembershipSecretOutcome = 'created' | 'exists';

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Creates the Secret unless it exists (a GET, which RBAC allows for this one name only, tells;
 * a create that loses a race to another replica ends in AlreadyExists, which is fine too).
 */
export async function ensureMembershipSecret(o: MembershipSecretOptions): Promise<MembershipSecretOutcome> {
  const name = o.name ?? MEMBERSHIP_SECRET;
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/secrets`;
  try {
    await o.api.request({ method: 'GET', path: `${path}/${encodeURIComponent(name)}` });
    return 'exists';
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await o.api.request({
      method: 'POST',
      path,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: o.namespace,
          labels: { 'app.kubernetes.io/name': 'ironlb', 'app.kubernetes.io/component': 'membership' },
        },
        type: 'Opaque',
        data: { [MEMBERSHIP_SECRET_KEY]: base64(o.randomBytes(MEMBERSHIP_KEY_BYTES)) },
      },
    });
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'exists';
    throw err;
  }
}

/**
 * Runs `ensureMembershipSecret` until it succeeds, every `retryMs` (default 5 s) while the API
 * is unreachable or refuses. `stop()` ends it.
 */
export function startMembershipSecretTask(
  o: MembershipSecretOptions & { readonly logger: Logger; readonly retryMs?: number },
): { stop(): void; readonly done: Promise<MembershipSecretOutcome | undefined> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let finish: (v: MembershipSecretOutcome | undefined) => void = () => undefined;
  const done = new Promise<MembershipSecretOutcome | undefined>((resolve) => (finish = resolve));
  const log = o.logger.child({
    component: 'membership-secret',
    secret: `${o.namespace}/${o.name ?? MEMBERSHIP_SECRET}`,
  });
  const attempt = async (): Promise<void> => {
    try {
      const outcome = await ensureMembershipSecret(o);
      if (outcome === 'created')
        log.info({ event: 'membershipSecretCreated' }, "created the speakers' membership key Secret");
      finish(outcome);
    } catch (err) {
      log.warn({ event: 'membershipSecretFailed', err }, 'cannot ensure the membership key Secret; retrying');
      if (!stopped) timer = setTimeout(() => void attempt(), o.retryMs ?? 5000);
    }
  };
  void attempt();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish(undefined);
    },
    done,
  };
}
