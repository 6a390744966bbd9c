// Secrets the speaker reads by name (the membership key, BGP passwords, BFD keys): one GET
// each, cached for a while. The speaker's RBAC grants `get` on these names only, so there is
// no list or watch of Secrets.
import { isNotFound, resourcePath, coreResources, type KubeApi } from '@ironlb/kube';

/** Secret data, decoded: key -> bytes. */
export type SecretData = Readonly<Record<string, Uint8Array>>;

export interface SecretSource {
  /** The Secret's data, or undefined when it does not exist. `namespace` defaults to the speaker's. */
  get(namespace: string | undefined, name: string): Promise<SecretData | undefined>;
}

export interface ApiSecretSourceOptions {
  readonly api: KubeApi;
  /** Namespace of Secrets referenced without one (the namespace IronLB runs in). */
  readonly namespace: string;
  /** How long a read is reused. Default 30 s. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

export class ApiSecretSource implements SecretSource {
  readonly #o: ApiSecretSourceOptions;
  readonly #cache = new Map<string, { at: number; data: SecretData | undefined }>();

  constructor(options: ApiSecretSourceOptions) {
    this.#o = options;
  }

  async get(namespace: string | undefined, name: string): Promise<SecretData | undefined> {
    const ns = namespace ?? this.#o.namespace;
    const key = `${ns}/${name}`;
    const now = (this.#o.now ?? Date.now)();
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < (this.#o.cacheMs ?? 30_000)) return hit.data;
    let data: SecretData | undefined;
    try {
      const secret = await this.#o.api.request<{ data?: Record<string, string> }>({
        method: 'GET',
        path: resourcePath(coreResources.secrets, { namespace: ns, name }),
      });
      data = Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.#cache.set(key, { at: now, data });
    return data;
  }

  /** Forgets cached reads (a referenced Secret may have changed). */
  invalidate(): void {
    this.#cache.clear();
  }
}

/** A fixed set of Secrets (tests). */
export class StaticSecretSource implements SecretSource {
  readonly secrets = new Map<string, SecretData>();

  set(namespace: string, name: string, data: Record<string, string | Uint8Array>): void {
    this.secrets.set(
      `${namespace}/${name}`,
      Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
      ),
    );
  }

  async get(namespace: string | undefined, name: string): Promise<SecretData | undefined> {
    return this.secrets.get(`${namespace ?? 'ironlb-system'}/${name}`);
  }
}
