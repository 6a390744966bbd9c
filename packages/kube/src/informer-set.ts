// A group of informers that share their connection settings and are started, awaited and
// stopped together; its readiness check says which ones have not synced yet.
import { ApiInformer } from './informer.js';
import type { InformerOptions } from './informer.js';
import type { HealthCheck } from './health-server.js';
import type { KubeObject, ResourceType } from './resource.js';

export type InformerSetOptions = Omit<
  InformerOptions,
  'resource' | 'namespace' | 'labelSelector' | 'fieldSelector' | 'transform'
>;

export class InformerSet {
  readonly #common: InformerSetOptions;
  readonly #informers: ApiInformer<KubeObject>[] = [];
  #started = false;

  constructor(common: InformerSetOptions) {
    this.#common = common;
  }

  /** Creates an informer of `resource` in this set (started with the set, or at once if it already is). */
  informer<T extends KubeObject>(
    resource: ResourceType,
    options: Pick<
      InformerOptions,
      'namespace' | 'labelSelector' | 'fieldSelector' | 'resyncPeriodMs' | 'transform'
    > = {},
  ): ApiInformer<T> {
    const inf = new ApiInformer<T>({ ...this.#common, ...options, resource });
    this.#informers.push(inf as unknown as ApiInformer<KubeObject>);
    if (this.#started) inf.start();
    return inf;
  }

  start(): void {
    this.#started = true;
    for (const i of this.#informers) i.start();
  }

  hasSynced(): boolean {
    return this.#informers.every((i) => i.hasSynced());
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.waitForSync(signal)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  /** For /readyz: fails, naming them, while some informers have not synced. */
  readinessCheck(): HealthCheck {
    return () => {
      const pending = this.#informers.filter((i) => !i.hasSynced()).map((i) => i.resource.plural);
      return pending.length === 0
        ? { ok: true }
        : { ok: false, message: `not synced: ${pending.join(', ')}` };
    };
  }
}
