/**
 * Which interfaces layer-2 announcements may use. Pure: the node side lists the links (from
 * netlink) and applies this on every rescan.
 */

/** What the selection looks at, per link. */
export interface LinkFacts {
  readonly name: string;
  /** IFF_UP. */
  readonly up: boolean;
  readonly loopback: boolean;
  /** IFF_NOARP: the link does no address resolution (tunnels, some virtual links). */
  readonly noarp: boolean;
  /** The link has a master: a port of a bridge or bond, whose master speaks for it. */
  readonly enslaved: boolean;
  /** ARPHRD_* of the link; only Ethernet (1) carries our frames. */
  readonly hwtype: number;
}

/**
 * Names (exact) and/or a pattern (regular expression source, anchored by the caller if
 * wanted, e.g. `^(eth|ens)`). With neither, every eligible interface is used.
 */
export interface InterfaceSelector {
  readonly names?: readonly string[];
  readonly pattern?: string;
}

export const InterfaceSkipReason = {
  notSelected: 'notSelected',
  down: 'down',
  loopback: 'loopback',
  noarp: 'noarp',
  enslaved: 'enslaved',
  notEthernet: 'notEthernet',
} as const;
export type InterfaceSkipReason = (typeof InterfaceSkipReason)[keyof typeof InterfaceSkipReason];

export type InterfaceDecision =
  | { readonly name: string; readonly eligible: true }
  | { readonly name: string; readonly eligible: false; readonly reason: InterfaceSkipReason };

const ARPHRD_ETHER = 1;

export function selectInterfaces(
  links: readonly LinkFacts[],
  selector: InterfaceSelector = {},
): InterfaceDecision[] {
  const names = selector.names && selector.names.length > 0 ? new Set(selector.names) : undefined;
  const pattern = selector.pattern !== undefined ? new RegExp(selector.pattern) : undefined;
  return links.map((l): InterfaceDecision => {
    const chosen =
      (names === undefined && pattern === undefined) || names?.has(l.name) || pattern?.test(l.name);
    const skip = (reason: InterfaceSkipReason): InterfaceDecision => ({
      name: l.name,
      eligible: false,
      reason,
    });
    if (!chosen) return skip('notSelected');
    if (l.loopback) return skip('loopback');
    if (l.hwtype !== ARPHRD_ETHER) return skip('notEthernet');
    if (l.enslaved) return skip('enslaved');
    if (l.noarp) return skip('noarp');
    if (!l.up) return skip('down');
    return { name: l.name, eligible: true };
  });
}
