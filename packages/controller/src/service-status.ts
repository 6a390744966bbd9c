// What a Service's status, annotation and Events must be for a reconcile outcome. Pure.
//
// Status written by the controller (one merge patch of /status, metadata included):
//   status.loadBalancer.ingress   [{ ip, ipMode: VIP }] (primary family first)
//   status.conditions             ironlb.io/AddressAllocated (other conditions kept)
//   metadata.annotations          ironlb.io/ip-allocated-from-pool: <pool>
// Events are derived from the difference between the status before and after a write that
// changed something, so re-reconciling an unchanged Service records nothing.
import { type Condition, type EventInput, setCondition } from '@ironlb/kube';
import { ADDRESS_ALLOCATED, ALLOCATED_FROM_POOL, ALLOCATED_REASON, ServiceEvent } from './api-names.js';
import type { ServiceOutcome } from './reconcile-service.js';
import { statusIPs } from './service-adapter.js';
import type { Service } from './service-types.js';

export interface ServiceWrite {
  readonly status: Record<string, unknown>;
  readonly annotations: Record<string, string | null>;
}

/** How to describe pool usage in messages: "254 of 254 assigned". */
export type UsageOf = (pool: string, family: 4 | 6) => { assigned: bigint; total: bigint } | undefined;

function list(ips: readonly string[]): string {
  return ips.join(' and ');
}

const exhaustedPattern = /pool (\S+) has no free (IPv4|IPv6) address/g;

/** The allocator's detail, with pool usage added where it says a pool is full. */
export function describeFailure(detail: string, usage?: UsageOf): string {
  if (!usage) return detail;
  return detail.replace(exhaustedPattern, (text, pool: string, family: string) => {
    const u = usage(pool, family === 'IPv6' ? 6 : 4);
    return u ? `${text}: ${u.assigned} of ${u.total} assigned` : text;
  });
}

const orphanAdvice =
  'It keeps the address: no other Service can be given it meanwhile. Restore the pool, or ask for other ' +
  'addresses (ironlb.io/loadBalancerIPs or ironlb.io/address-pool), or delete and recreate the Service; ' +
  'a controller started with --orphaned-addresses=reallocate moves such Services itself';

/** The condition the outcome calls for; `undefined` for outcomes that remove it. */
export function conditionFor(
  outcome: ServiceOutcome,
  usage?: UsageOf,
): Omit<Condition, 'lastTransitionTime'> | undefined {
  switch (outcome.kind) {
    case 'allocated':
      return {
        type: ADDRESS_ALLOCATED,
        status: 'True',
        reason: ALLOCATED_REASON,
        message: `${list(outcome.ips)} from pool ${outcome.pool}`,
      };
    case 'kept':
      return {
        type: ADDRESS_ALLOCATED,
        status: 'False',
        reason: outcome.reason,
        message: outcome.orphan
          ? `${list(outcome.ips)}${outcome.pool !== undefined ? ` (from pool ${outcome.pool})` : ''} is no longer ` +
            `covered by a pool that admits the Service: ${describeFailure(outcome.detail, usage)}. ${orphanAdvice}.`
          : `${describeFailure(outcome.detail, usage)}; keeping ${list(outcome.ips)} until the request can be met`,
      };
    case 'pending':
      return {
        type: ADDRESS_ALLOCATED,
        status: 'False',
        reason: outcome.reason,
        message: describeFailure(outcome.detail, usage),
      };
    default:
      return undefined;
  }
}

/** The write the outcome calls for, or undefined when the Service must not be touched. */
export function serviceWrite(
  svc: Service,
  outcome: ServiceOutcome,
  options: { now: number; usage?: UsageOf },
): ServiceWrite | undefined {
  if (outcome.kind === 'untouched') return undefined;
  const current = svc.status?.conditions;
  const condition = conditionFor(outcome, options.usage);
  let conditions: Condition[] | null;
  if (condition) conditions = setCondition(current, condition, options.now);
  else {
    const rest = (current ?? []).filter((c) => c.type !== ADDRESS_ALLOCATED);
    conditions = rest.length > 0 ? rest : null;
  }
  switch (outcome.kind) {
    case 'allocated':
    case 'kept':
      return {
        status: {
          loadBalancer: { ingress: outcome.ips.map((ip) => ({ ip, ipMode: 'VIP' })) },
          conditions,
        },
        annotations: outcome.pool !== undefined ? { [ALLOCATED_FROM_POOL]: outcome.pool } : {},
      };
    case 'pending':
    case 'released':
      return {
        status: { loadBalancer: { ingress: null }, conditions },
        annotations: { [ALLOCATED_FROM_POOL]: null },
      };
  }
}

/** Events for a write that changed `before` into what `outcome` says. */
export function serviceEvents(before: Service, outcome: ServiceOutcome, usage?: UsageOf): EventInput[] {
  const events: EventInput[] = [];
  const was = statusIPs(before);
  const now = outcome.kind === 'allocated' || outcome.kind === 'kept' ? [...outcome.ips] : [];
  const added = now.filter((ip) => !was.includes(ip));
  const removed = was.filter((ip) => !now.includes(ip));
  if (added.length > 0 && (outcome.kind === 'allocated' || outcome.kind === 'kept'))
    events.push({
      type: 'Normal',
      reason: ServiceEvent.IPAllocated,
      message: `Assigned ${list(added)}${outcome.pool !== undefined ? ` from pool ${outcome.pool}` : ''}`,
      action: 'Allocate',
    });
  if (removed.length > 0)
    events.push({
      type: 'Normal',
      reason: ServiceEvent.IPReleased,
      message: `Released ${list(removed)}`,
      action: 'Release',
    });
  const condition = conditionFor(outcome, usage);
  if (condition?.status === 'False') {
    const old = before.status?.conditions?.find((c) => c.type === ADDRESS_ALLOCATED);
    if (
      !old ||
      old.status !== 'False' ||
      old.reason !== condition.reason ||
      old.message !== condition.message
    )
      events.push({
        type: 'Warning',
        reason:
          outcome.kind === 'kept' && outcome.orphan
            ? ServiceEvent.AddressOrphaned
            : ServiceEvent.AllocationFailed,
        message: `${condition.reason}: ${condition.message}`,
        action: 'Allocate',
      });
  }
  return events;
}
