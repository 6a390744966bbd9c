// Random 5% packet loss on the failure detector's port (nftables, on every node, both ways)
// causes no failover: the address stays with its owner, every probe of the client is answered
// by it, and no speaker declares another dead. The CI run lasts about a minute of loss;
// IRONLB_LOSS_SECONDS=300 (or `npm run bench:failover -- --loss-minutes 5`) runs the long
// version.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropUdpRandomly, epochNow, startHttpProber, waitFor, type Removable } from '@ironlb/netlab';
import { MEMBER_PORT, SpeakerCluster } from './harness/cluster.js';

const LOSS_SECONDS = Number(process.env.IRONLB_LOSS_SECONDS ?? 60);
let c: SpeakerCluster;

beforeAll(async () => {
  c = await SpeakerCluster.start({ tag: 'spkl' });
}, 300_000);

afterAll(async () => {
  await c?.destroy();
});

it(
  `5% random loss on the membership port for ${LOSS_SECONDS} s: no failover`,
  { timeout: (LOSS_SECONDS + 120) * 1000 },
  async () => {
    const [ip] = (await c.createService('steady', { pool: 'l2' })) as [string];
    await c.setEndpoints('steady', c.nodes);
    const owner = await waitFor(() => c.reach(ip), {
      timeoutMs: 20_000,
      description: 'the client reaching the VIP',
    });
    const deadBefore = await Promise.all(
      c.nodes.map((n) => c.metric(n, 'ironlb_speaker_member_changes_total', { to: 'dead' })),
    );
    const changesBefore = await Promise.all(
      c.nodes.map((n) => c.metric(n, 'ironlb_speaker_ownership_changes_total')),
    );
    expect(changesBefore.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // the metrics are read
    const exposition = await c.metrics(owner);
    for (const family of [
      'ironlb_speaker_failovers_total',
      'ironlb_membership_',
      'ironlb_l2_replies_sent_total',
    ])
      expect(exposition).toContain(family);
    const rules: Removable[] = [];
    const prober = await startHttpProber(c.topo.client!, `http://${ip}/`, { intervalMs: 10 });
    try {
      for (const n of c.nodes)
        rules.push(await dropUdpRandomly(c.topo.node(n).netns, { port: MEMBER_PORT, percent: 5 }));
      const start = epochNow();
      await new Promise((resolve) => setTimeout(resolve, LOSS_SECONDS * 1000));
      const results = prober.since(start);
      const answeredBy = new Map<string, number>();
      for (const r of results) if (r.ok) answeredBy.set(r.body!, (answeredBy.get(r.body!) ?? 0) + 1);
      const failed = results.filter((r) => !r.ok).length;
      console.log(
        `${results.length} probes in ${LOSS_SECONDS} s of loss: answered by`,
        Object.fromEntries(answeredBy),
        `failed ${failed}`,
      );
      expect([...answeredBy.keys()]).toEqual([owner]);
      expect(results.length).toBeGreaterThan(LOSS_SECONDS * 20);
      // Probes that got no answer at all (the client's own timeouts on a loaded machine) are rare.
      expect(failed).toBeLessThan(results.length * 0.01);
    } finally {
      for (const r of rules) await r.remove();
      await prober.stop();
    }
    const deadAfter = await Promise.all(
      c.nodes.map((n) => c.metric(n, 'ironlb_speaker_member_changes_total', { to: 'dead' })),
    );
    const changesAfter = await Promise.all(
      c.nodes.map((n) => c.metric(n, 'ironlb_speaker_ownership_changes_total')),
    );
    expect(deadAfter).toEqual(deadBefore);
    expect(changesAfter).toEqual(changesBefore);
  },
);
