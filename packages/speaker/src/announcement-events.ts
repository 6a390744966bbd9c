// Service Events, recorded only when this node's ownership of an address changes (MetalLB
// records one on every reconcile, issue #3135): `AnnouncedL2` / `AnnouncedBGP` when it starts
// announcing, `Withdrawn` when it stops, `IPConflict` when another host answers for an
// address. Reasons and message shapes are API (docs/speaker.md).
import type { AnnouncementChange } from './planner.js';

export const ServiceEventReason = {
  AnnouncedL2: 'AnnouncedL2',
  AnnouncedBGP: 'AnnouncedBGP',
  Withdrawn: 'Withdrawn',
  IPConflict: 'IPConflict',
} as const;
export type ServiceEventReason = (typeof ServiceEventReason)[keyof typeof ServiceEventReason];

export interface ServiceEvent {
  /** `namespace/name` of the Service. */
  readonly service: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: ServiceEventReason;
  readonly message: string;
}

/** The Events one change gives, one per Service concerned. */
export function eventsForChange(change: AnnouncementChange, node: string): ServiceEvent[] {
  const before = new Set(change.before?.services ?? []);
  const after = new Set(change.after?.services ?? []);
  const out: ServiceEvent[] = [];
  const protocol = change.protocol;
  for (const service of after) {
    if (before.has(service)) continue;
    if (protocol === 'layer2') {
      const from = change.from !== undefined ? ` from=${change.from}` : '';
      out.push({
        service,
        type: 'Normal',
        reason: ServiceEventReason.AnnouncedL2,
        message: `node=${node} ip=${change.ip} interfaces=${(change.after!.interfaces ?? ['*']).join(',')}${from}`,
      });
    } else {
      out.push({
        service,
        type: 'Normal',
        reason: ServiceEventReason.AnnouncedBGP,
        message: `node=${node} ip=${change.ip} peers=${(change.after!.peers ?? []).join(',')}`,
      });
    }
  }
  // A deleted Service gets no Event (the object is gone); a Service that lost the address does.
  if (change.reason === 'serviceDeleted' && after.size === 0) return out;
  for (const service of before) {
    if (after.has(service)) continue;
    out.push({
      service,
      type: 'Normal',
      reason: ServiceEventReason.Withdrawn,
      message: `node=${node} ip=${change.ip} protocol=${protocol} reason=${change.reason}`,
    });
  }
  return out;
}
