import type { Link, LinkSource } from '../node/links.js';

/** A fixed, editable list of links (tests). */
export class StaticLinkSource implements LinkSource {
  #links: Link[];
  readonly #watchers = new Set<() => void>();

  constructor(links: Link[]) {
    this.#links = links;
  }

  async list(): Promise<Link[]> {
    return this.#links;
  }

  /** Replaces the links and notifies watchers, as a netlink notification would. */
  set(links: Link[]): void {
    this.#links = links;
    for (const w of this.#watchers) w();
  }

  watch(onChange: () => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  close(): void {
    this.#watchers.clear();
  }
}
