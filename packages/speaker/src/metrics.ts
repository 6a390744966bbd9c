// Prometheus metrics of the speaker (prom-client), prefixed `ironlb_speaker_`. Documented in
// docs/speaker.md. Metric families of other packages (membership, layer 2) are exported
// through `registerFamilies`, read on every scrape.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SpeakerMetrics {
  readonly announced: Gauge<'protocol'>;
  readonly ownershipChanges: Counter<'protocol' | 'change'>;
  readonly failovers: Counter;
  readonly conflicts: Counter<'resolution'>;
  readonly planDuration: Histogram;
  readonly plannedAddresses: Counter<'kind'>;
  readonly members: Gauge<'state'>;
  readonly quorum: Gauge;
  readonly memberChanges: Counter<'to'>;
  readonly bgpSessionUp: Gauge<'peer'>;
  readonly bgpSessionTransitions: Counter<'peer' | 'state'>;
  readonly bgpPrefixes: Gauge<'peer'>;
  readonly bfdSessionUp: Gauge<'peer'>;
  readonly statusWrites: Counter<'outcome'>;
}

export function createSpeakerMetrics(registry: Registry): SpeakerMetrics {
  const registers = [registry];
  return {
    announced: new Gauge({
      name: 'ironlb_speaker_announced_addresses',
      help: 'Addresses this node announces, by protocol (layer2: it is the elected owner; bgp: it advertises them).',
      labelNames: ['protocol'],
      registers,
    }),
    ownershipChanges: new Counter({
      name: 'ironlb_speaker_ownership_changes_total',
      help: 'Addresses this node started (gained) or stopped (lost) announcing, by protocol.',
      labelNames: ['protocol', 'change'],
      registers,
    }),
    failovers: new Counter({
      name: 'ironlb_speaker_failovers_total',
      help: 'Layer-2 addresses this node took over from another node that went down.',
      registers,
    }),
    conflicts: new Counter({
      name: 'ironlb_speaker_conflicts_total',
      help: 'Another MAC answered for an address this node announces, by resolution (yielded, defended, notClaimed).',
      labelNames: ['resolution'],
      registers,
    }),
    planDuration: new Histogram({
      name: 'ironlb_speaker_plan_duration_seconds',
      help: 'Time to plan and apply one batch of changes.',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    plannedAddresses: new Counter({
      name: 'ironlb_speaker_planned_addresses_total',
      help: 'Addresses planned again: evaluated (eligibility, ranking, routes) or only elected (membership).',
      labelNames: ['kind'],
      registers,
    }),
    members: new Gauge({
      name: 'ironlb_speaker_members',
      help: 'Speakers by state in this speaker’s failure detector (itself included as alive).',
      labelNames: ['state'],
      registers,
    }),
    quorum: new Gauge({
      name: 'ironlb_speaker_quorum',
      help: '1 when this speaker reaches a majority of speakers, else 0.',
      registers,
    }),
    memberChanges: new Counter({
      name: 'ironlb_speaker_member_changes_total',
      help: 'Changes of other speakers’ states seen by the failure detector, by new state.',
      labelNames: ['to'],
      registers,
    }),
    bgpSessionUp: new Gauge({
      name: 'ironlb_speaker_bgp_session_up',
      help: '1 when the BGP session with the peer is Established.',
      labelNames: ['peer'],
      registers,
    }),
    bgpSessionTransitions: new Counter({
      name: 'ironlb_speaker_bgp_session_transitions_total',
      help: 'BGP session state changes, by peer and new state.',
      labelNames: ['peer', 'state'],
      registers,
    }),
    bgpPrefixes: new Gauge({
      name: 'ironlb_speaker_bgp_advertised_prefixes',
      help: 'Prefixes this node wants advertised to the peer.',
      labelNames: ['peer'],
      registers,
    }),
    bfdSessionUp: new Gauge({
      name: 'ironlb_speaker_bfd_session_up',
      help: '1 when the BFD session with the peer is Up.',
      labelNames: ['peer'],
      registers,
    }),
    statusWrites: new Counter({
      name: 'ironlb_speaker_status_writes_total',
      help: 'SpeakerStatus writes, by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/** A metric family computed by another package (membership, layer 2). */
export interface ExternalFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

/**
 * Registers families whose values `read()` returns on every scrape (one read per scrape,
 * shared). The set of family names is taken from the first read; labels may differ from one
 * scrape to the next (a family may have no sample at first).
 */
export function registerFamilies(registry: Registry, read: () => ExternalFamily[]): void {
  let latest: ExternalFamily[] | undefined;
  let latestAt = -Infinity;
  const current = () => {
    const now = Date.now();
    if (!latest || now - latestAt > 100) {
      latest = read();
      latestAt = now;
    }
    return latest;
  };
  for (const family of read()) {
    // A metric as prom-client's registry reads it: `get()` gives the values at scrape time.
    const metric = {
      name: family.name,
      help: family.help,
      type: family.type,
      aggregator: 'sum' as const,
      get: () => {
        const f = current().find((x) => x.name === family.name);
        return {
          name: family.name,
          help: family.help,
          type: family.type,
          aggregator: 'sum' as const,
          values: (f?.samples ?? []).map((s) => ({ labels: s.labels, value: s.value })),
        };
      },
      reset: () => undefined,
    };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}
