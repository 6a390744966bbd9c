import { Writer } from '@ironlb/wire';
import type { AdvertisementTable } from '../core/advertisement.js';
import { diffRib } from '../core/adj-rib-out.js';
import { familyOfKey, type Family } from '../core/codec/prefix.js';
import type { Rib, RouteAttributes } from '../core/route.js';
import {
  packAnnouncements,
  packEndOfRib,
  packWithdrawals,
  type ExportContext,
} from '../core/update-packer.js';

/**
 * A peer's Adj-RIB-Out between calls: the desired table, what the current session has been
 * sent, and which End-of-RIB markers went out. `sync()` returns the UPDATEs that bring the peer
 * from one to the other (the pure diff and packer do the work).
 */
export class AdjRibOutState {
  #desired: AdvertisementTable | undefined;
  #advertised: Rib = new Map();
  #endOfRibSent: Family[] = [];
  #unsendable = 0;

  get desired(): AdvertisementTable | undefined {
    return this.#desired;
  }

  get advertised(): Rib {
    return this.#advertised;
  }

  get endOfRibSent(): readonly Family[] {
    return this.#endOfRibSent;
  }

  /** Desired prefixes that could not go to the peer at the last sync. */
  get unsendable(): number {
    return this.#unsendable;
  }

  setDesired(table: AdvertisementTable): void {
    this.#desired = table;
  }

  /** A new session (or none): the peer has nothing of ours. */
  clear(): void {
    this.#advertised = new Map();
    this.#endOfRibSent = [];
  }

  /** Forget what was sent of one family, so that the next sync sends it again (route refresh). */
  forget(family: Family): void {
    const keep = new Map<string, RouteAttributes>();
    for (const [k, a] of this.#advertised) if (familyOfKey(k) !== family) keep.set(k, a);
    this.#advertised = keep;
  }

  /**
   * The UPDATEs (withdrawals, announcements, then End-of-RIB of each negotiated family not yet
   * marked) for a session with `families` negotiated; undefined until a desired table exists.
   * Routes of a family the session cannot carry (not negotiated, or no next hop) are left out
   * and counted.
   */
  sync(ctx: ExportContext, families: readonly Family[]): { bytes: Uint8Array; updates: number } | undefined {
    const table = this.#desired;
    if (!table) return undefined;
    const usable = (f: Family) =>
      families.includes(f) && (f === 4 ? ctx.nextHop4 !== undefined : ctx.nextHop6 !== undefined);
    let sendable: Rib = table.rib;
    let unsendable = 0;
    // Copy the table only when some of its routes cannot go to this peer.
    if ((table.ipv4 > 0 && !usable(4)) || (table.ipv6 > 0 && !usable(6))) {
      const filtered = new Map<string, RouteAttributes>();
      for (const [k, a] of table.rib) {
        const f = familyOfKey(k);
        if (families.includes(f) && (usable(f) || a.nextHop)) filtered.set(k, a);
        else unsendable++;
      }
      sendable = filtered;
    }
    this.#unsendable = unsendable;
    const w = new Writer(64 * 1024);
    let updates = 0;
    if (this.#advertised.size === 0 && sendable === table.rib) {
      // A session that has nothing yet gets the whole table: its NLRI was encoded when the
      // table was built, so this only copies bytes.
      for (const g of table.groups) updates += packAnnouncements(w, g.family, g.attributes, g.nlri, ctx);
    } else {
      const diff = diffRib(sendable, this.#advertised);
      for (const f of [4, 6] as const) {
        const gone = diff.withdraw.filter((k) => familyOfKey(k) === f);
        if (gone.length > 0) updates += packWithdrawals(w, f, gone, ctx.maxLength);
      }
      for (const g of diff.announce) updates += packAnnouncements(w, g.family, g.attributes, g.prefixes, ctx);
    }
    for (const f of families) {
      if (!this.#endOfRibSent.includes(f)) {
        packEndOfRib(w, f);
        updates++;
        this.#endOfRibSent.push(f);
      }
    }
    this.#advertised = sendable;
    return { bytes: w.finish(), updates };
  }
}
