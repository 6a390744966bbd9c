import { InterfaceFlag, LinkLister, LinkMonitor } from '@ironlb/sys';
import type { LinkFacts } from '../core/interface-selection.js';

/** A link as the announcer needs it. */
export interface Link extends LinkFacts {
  readonly ifindex: number;
}

/** Where the announcer learns about interfaces (consumer-owned interface; netlink in production). */
export interface LinkSource {
  list(): Promise<Link[]>;
  /** Calls `onChange` when links change; returns a function that stops watching. */
  watch(onChange: () => void): () => void;
  close(): void;
}

/**
 * Links from rtnetlink (@ironlb/sys): a dump per `list()` and RTMGRP_LINK notifications for
 * `watch`. Both sockets are opened here, so they stay in the namespace this was created in.
 */
export function netlinkLinkSource(): LinkSource {
  const lister = new LinkLister();
  const monitors = new Set<LinkMonitor>();
  return {
    async list() {
      return (await lister.list()).map((l) => ({
        name: l.name,
        ifindex: l.ifindex,
        up: (l.flags & InterfaceFlag.up) !== 0,
        loopback: (l.flags & InterfaceFlag.loopback) !== 0,
        noarp: (l.flags & InterfaceFlag.noarp) !== 0,
        enslaved: l.master !== undefined && l.master !== 0,
        hwtype: l.hwtype,
      }));
    },
    watch(onChange) {
      const m = new LinkMonitor(onChange);
      monitors.add(m);
      return () => {
        m.close();
        monitors.delete(m);
      };
    },
    close() {
      lister.close();
      for (const m of monitors) m.close();
      monitors.clear();
    },
  };
}
