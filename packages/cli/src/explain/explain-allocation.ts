// Why a Service has this address or none: the request the controller reads from it
// (@ironlb/controller readService), and for each pool what IronLB's allocator (@ironlb/ipam)
// does with it given every other Service's current addresses. Pure.
import { toIpamPools } from '@ironlb/config';
import { defaultClassFilter, readService, type HandledService, type Service } from '@ironlb/controller';
import { Allocator, type AllocationRequest, type Pool } from '@ironlb/ipam';
import {
  allocationCondition,
  ingressIPs,
  allocatedPool,
  type ClusterModel,
} from '../cluster/cluster-model.js';

export interface PoolVerdict {
  readonly pool: string;
  /**
   * `holds`: the Service's addresses come from it; `fits`: an address would be handed out
   * now; `skipped`: not tried (autoAssign false, another pool named); `refused`: tried, with
   * the allocator's reason.
   */
  readonly outcome: 'holds' | 'fits' | 'skipped' | 'refused';
  readonly reason?: string;
  readonly detail: string;
}

export interface AllocationExplanation {
  readonly handled: boolean;
  /** Not handled: `notLoadBalancer` or `otherClass`. */
  readonly ignoredBecause?: string;
  readonly request?: {
    readonly requestedIPs: readonly string[];
    readonly pool?: string;
    readonly sharingKey?: string;
    readonly ipFamilyPolicy: string;
    readonly primaryFamily: string;
  };
  readonly ips: readonly string[];
  readonly pool?: string;
  readonly condition?: { readonly status: string; readonly reason: string; readonly message: string };
  /** Pools in the order automatic allocation tries them, then the others. */
  readonly pools: PoolVerdict[];
  /** What the allocator answers for the Service's request now (pending Services). */
  readonly predicted?: { readonly ok: boolean; readonly reason?: string; readonly detail: string };
  readonly invalid?: string;
}

function namespaceLabels(model: ClusterModel, ns: string): Record<string, string> | undefined {
  return model.snapshot.namespaces.find((n) => n.metadata.name === ns)?.metadata.labels;
}

/** An allocator with every other handled Service's addresses restored, as the controller has them. */
function allocatorWithOthers(model: ClusterModel, pools: Pool[], key: string): Allocator {
  const allocator = new Allocator();
  allocator.setPools(pools);
  for (const svc of model.snapshot.services) {
    const view = readService(svc, {
      filter: defaultClassFilter,
      namespaceLabels: namespaceLabels(model, svc.metadata.namespace),
    });
    if (!view.handled || view.key === key || view.statusIPs.length === 0) continue;
    allocator.assign({
      ...view.request,
      ips: view.statusIPs,
      ...(view.statusPool ? { pool: view.statusPool } : {}),
    });
  }
  return allocator;
}

function usage(allocator: Allocator, pool: string): string {
  const c = allocator.counters(pool);
  if (!c) return '';
  const part = (name: string, f: { assigned: bigint; available: bigint }) =>
    f.assigned + f.available > 0n ? `${name} ${f.assigned} of ${f.assigned + f.available} assigned` : '';
  return [part('IPv4', c.ipv4), part('IPv6', c.ipv6)].filter(Boolean).join(', ');
}

export function explainAllocation(model: ClusterModel, svc: Service): AllocationExplanation {
  const ips = ingressIPs(svc);
  const pool = allocatedPool(svc);
  const cond = allocationCondition(svc);
  const base = {
    ips,
    ...(pool ? { pool } : {}),
    ...(cond ? { condition: { status: cond.status, reason: cond.reason, message: cond.message } } : {}),
  };
  const view = readService(svc, {
    filter: defaultClassFilter,
    namespaceLabels: namespaceLabels(model, svc.metadata.namespace),
  });
  if (!view.handled) return { handled: false, ignoredBecause: view.why, pools: [], ...base };
  const req = view.request;
  const request = {
    requestedIPs: req.requestedIPs ?? [],
    ...(req.pool ? { pool: req.pool } : {}),
    ...(req.sharingKey ? { sharingKey: req.sharingKey } : {}),
    ipFamilyPolicy: req.ipFamilyPolicy ?? 'SingleStack',
    primaryFamily: `IPv${req.primaryFamily ?? 4}`,
  };
  if (view.invalid) return { handled: true, request, pools: [], invalid: view.invalid.detail, ...base };

  const ipamPools = toIpamPools(model.built.config);
  const order = (() => {
    const a = new Allocator();
    a.setPools(ipamPools);
    const tried = a.poolOrder();
    return [
      ...tried,
      ...ipamPools
        .map((p) => p.name)
        .filter((n) => !tried.includes(n))
        .sort(),
    ];
  })();
  const pools = order.map((name) => poolVerdict(model, ipamPools, view, req, name));
  const predicted =
    ips.length > 0
      ? undefined
      : (() => {
          const r = allocatorWithOthers(model, ipamPools, view.key).allocate(req);
          return r.ok
            ? {
                ok: true,
                detail: `the allocator would give ${r.allocation.ips.map(String).join(', ')} from ${r.allocation.pool}`,
              }
            : { ok: false, reason: r.reason, detail: r.detail };
        })();
  return { handled: true, request, pools, ...(predicted ? { predicted } : {}), ...base };
}

function poolVerdict(
  model: ClusterModel,
  pools: Pool[],
  view: HandledService,
  req: AllocationRequest,
  name: string,
): PoolVerdict {
  const pool = pools.find((p) => p.name === name);
  const allocator = allocatorWithOthers(model, pools, view.key);
  const used = usage(allocator, name);
  if (view.statusIPs.length > 0) {
    const holds = allocator.assign({ ...req, ips: view.statusIPs, pool: name }).ok;
    if (view.statusPool === name || (!view.statusPool && holds))
      return {
        pool: name,
        outcome: 'holds',
        detail: `${view.statusIPs.join(', ')} (${usage(allocator, name)})`,
      };
    return { pool: name, outcome: 'skipped', detail: 'not needed: the Service has its addresses' };
  }
  if (req.pool && req.pool !== name)
    return { pool: name, outcome: 'skipped', detail: `not considered: the Service names pool ${req.pool}` };
  if (!req.pool && !req.requestedIPs?.length && pool && pool.autoAssign === false)
    return {
      pool: name,
      outcome: 'skipped',
      detail:
        'autoAssign is false: only Services that name it (ironlb.io/address-pool) or request one of its addresses',
    };
  const r = allocator.allocate({ ...req, pool: name });
  if (r.ok)
    return {
      pool: name,
      outcome: 'fits',
      detail: `would give ${r.allocation.ips.map(String).join(', ')}${used ? ` (${used})` : ''}`,
    };
  return {
    pool: name,
    outcome: 'refused',
    reason: r.reason,
    detail: `${r.detail}${used ? ` (${used})` : ''}`,
  };
}
