import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createSpeakerMetrics, registerFamilies } from './metrics.js';

describe('metrics', () => {
  it('exposes the speaker series', async () => {
    const registry = new Registry();
    const m = createSpeakerMetrics(registry);
    m.memberChanges.inc({ to: 'dead' });
    m.announced.set({ protocol: 'layer2' }, 3);
    const text = await registry.metrics();
    expect(text).toContain('ironlb_speaker_member_changes_total{to="dead"} 1');
    expect(text).toContain('ironlb_speaker_announced_addresses{protocol="layer2"} 3');
  });

  it('exposes families computed by other packages, read on every scrape, counters typed as such', async () => {
    const registry = new Registry();
    let sent = 1;
    let reasons: Record<string, string>[] = [];
    registerFamilies(registry, () => [
      {
        name: 'ironlb_test_changes_total',
        help: 'Changes.',
        type: 'counter',
        samples: reasons.map((labels) => ({ labels, value: 1 })),
      },
      {
        name: 'ironlb_test_sent_total',
        help: 'Sent.',
        type: 'counter',
        samples: [{ labels: { kind: 'a' }, value: sent }],
      },
      { name: 'ironlb_test_members', help: 'Members.', type: 'gauge', samples: [{ labels: {}, value: 3 }] },
    ]);
    sent = 5;
    reasons = [{ to: 'dead', reason: 'suspicionTimeout' }]; // labels appear later: fine
    await new Promise((r) => setTimeout(r, 150));
    const text = await registry.metrics();
    expect(text).toContain('# TYPE ironlb_test_sent_total counter');
    expect(text).toContain('ironlb_test_sent_total{kind="a"} 5');
    expect(text).toContain('# TYPE ironlb_test_members gauge');
    expect(text).toContain('ironlb_test_members 3');
    expect(text).toContain('ironlb_test_changes_total{to="dead",reason="suspicionTimeout"} 1');
  });
});
