// The controller's own Prometheus series (the runtime's ironlb_kube_*, ironlb_workqueue_*,
// ironlb_leader_* ... come from @ironlb/kube). Address counts and Service states are computed
// when scraped, from the current term.
import type { Problem } from '@ironlb/config';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AllocationState } from './allocation-state.js';

export interface ControllerMetrics {
  readonly reconciles: Counter<'outcome'>;
  readonly restoreSeconds: Gauge;
  readonly ready: Gauge;
  setProblems(problems: readonly Problem[]): void;
  /** The term whose state the scrape-time gauges read (undefined: not leading). */
  setState(state: AllocationState | undefined): void;
}

const MAX = Number.MAX_SAFE_INTEGER;

function count(n: bigint): number {
  return n > BigInt(MAX) ? MAX : Number(n);
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  let state: AllocationState | undefined;
  const reconciles = new Counter({
    name: 'ironlb_controller_reconciles_total',
    help: 'Service reconciles by outcome: allocated, kept, pending, released, untouched.',
    labelNames: ['outcome'],
    registers,
  });
  const restoreSeconds = new Gauge({
    name: 'ironlb_controller_restore_seconds',
    help: 'Time the last leadership term took from its start to every allocation restored.',
    registers,
  });
  const ready = new Gauge({
    name: 'ironlb_controller_ready',
    help: '1 when caches are synced and, on the leader, every allocation is restored.',
    registers,
  });
  const problems = new Gauge({
    name: 'ironlb_config_problems',
    help: 'Problems in the configuration objects, by kind, reason and severity.',
    labelNames: ['kind', 'reason', 'severity'],
    registers,
  });
  new Gauge({
    name: 'ironlb_pool_addresses',
    help: 'Addresses of each pool by family and state (assigned, available), on the leader.',
    labelNames: ['pool', 'family', 'state'],
    registers,
    collect() {
      this.reset();
      if (!state) return;
      for (const [pool, c] of Object.entries(state.allocator.allCounters())) {
        this.set({ pool, family: 'ipv4', state: 'assigned' }, count(c.ipv4.assigned));
        this.set({ pool, family: 'ipv4', state: 'available' }, count(c.ipv4.available));
        this.set({ pool, family: 'ipv6', state: 'assigned' }, count(c.ipv6.assigned));
        this.set({ pool, family: 'ipv6', state: 'available' }, count(c.ipv6.available));
      }
    },
  });
  new Gauge({
    name: 'ironlb_controller_services',
    help: 'Services by allocation state on the leader: waiting (no address yet), orphan (kept outside its pools), contested.',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      if (!state) return;
      let orphan = 0;
      let contested = 0;
      for (const c of state.claims.values())
        if (c.kind === 'orphan') orphan++;
        else contested++;
      this.set({ state: 'waiting' }, state.waiting.size);
      this.set({ state: 'orphan' }, orphan);
      this.set({ state: 'contested' }, contested);
    },
  });
  return {
    reconciles,
    restoreSeconds,
    ready,
    setProblems(list) {
      problems.reset();
      for (const p of list) problems.inc({ kind: p.kind, reason: p.reason, severity: p.severity });
    },
    setState(s) {
      state = s;
    },
  };
}
