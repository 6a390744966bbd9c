import { describe, expect, it } from 'vitest';
import { wantsAggregatedV2 } from './discovery.js';

describe('aggregated discovery negotiation', () => {
  it('serves v2 only on an exact g/v/as match (v2beta1 clients get legacy)', () => {
    expect(
      wantsAggregatedV2(
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      ),
    ).toBe(true);
    expect(
      wantsAggregatedV2(
        'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
      ),
    ).toBe(false);
    expect(wantsAggregatedV2('application/json')).toBe(false);
    expect(wantsAggregatedV2(undefined)).toBe(false);
  });
});
