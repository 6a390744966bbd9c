// Strategic merge patch cases derived by hand from apimachinery's documented behaviour and
// from the patches kubectl 1.32 sent in the K3/K5 transcripts.
import { describe, expect, it } from 'vitest';
import type { SmpSchema } from './strategic-merge.js';
import { SmpError, applyStrategicMergePatch } from './strategic-merge.js';

const schema: SmpSchema = {
  fields: {
    metadata: { fields: { finalizers: { primitiveMerge: true }, ownerReferences: { mergeKey: 'uid' } } },
    spec: { fields: { ports: { mergeKey: 'port' } } },
    status: { fields: { conditions: { mergeKey: 'type' } } },
  },
};

const smp = (orig: unknown, patch: unknown) => applyStrategicMergePatch(orig, patch, schema);

describe('applyStrategicMergePatch', () => {
  it('merges a keyed list with $setElementOrder and leaves no directive behind (kubectl apply, K5)', () => {
    const orig = {
      spec: {
        type: 'LoadBalancer',
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30000 }],
      },
    };
    const patch = {
      spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 80, targetPort: 9090 }] },
    };
    expect(smp(orig, patch)).toEqual({
      spec: {
        type: 'LoadBalancer',
        ports: [{ port: 80, targetPort: 9090, protocol: 'TCP', nodePort: 30000 }],
      },
    });
  });

  it('adds new keyed elements and orders them as $setElementOrder says', () => {
    const orig = { spec: { ports: [{ port: 80 }] } };
    const patch = {
      spec: {
        '$setElementOrder/ports': [{ port: 443 }, { port: 80 }],
        ports: [{ port: 443, name: 'https' }],
      },
    };
    expect(smp(orig, patch)).toEqual({ spec: { ports: [{ port: 443, name: 'https' }, { port: 80 }] } });
  });

  it('deletes a keyed element with $patch: delete', () => {
    const orig = { spec: { ports: [{ port: 80 }, { port: 443 }] } };
    expect(smp(orig, { spec: { ports: [{ port: 80, $patch: 'delete' }] } })).toEqual({
      spec: { ports: [{ port: 443 }] },
    });
  });

  it('replaces a whole keyed list with a $patch: replace element', () => {
    const orig = { spec: { ports: [{ port: 80 }, { port: 443 }] } };
    expect(smp(orig, { spec: { ports: [{ $patch: 'replace' }, { port: 8080 }] } })).toEqual({
      spec: { ports: [{ port: 8080 }] },
    });
  });

  it('deletes map keys with null', () => {
    expect(smp({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null } } })).toEqual({
      metadata: { labels: { b: '2' } },
    });
  });

  it('merges finalizers as a set and deletes with $deleteFromPrimitiveList', () => {
    expect(smp({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['b', 'a'] } })).toEqual({
      metadata: { finalizers: ['a', 'b'] },
    });
    expect(
      smp(
        { metadata: { finalizers: ['a', 'b'] } },
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      ),
    ).toEqual({
      metadata: { finalizers: ['b'] },
    });
  });

  it('replaces a map with $patch: replace', () => {
    expect(
      smp({ spec: { selector: { a: '1', b: '2' } } }, { spec: { selector: { $patch: 'replace', c: '3' } } }),
    ).toEqual({
      spec: { selector: { c: '3' } },
    });
  });

  it('drops keys $retainKeys does not name', () => {
    expect(smp({ spec: { a: 1, b: 2, c: 3 } }, { spec: { $retainKeys: ['a', 'c'], c: 4 } })).toEqual({
      spec: { a: 1, c: 4 },
    });
  });

  it('replaces lists without a merge key (atomic), e.g. load balancer ingress', () => {
    const orig = { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } };
    expect(smp(orig, { status: { loadBalancer: { ingress: [{ ip: '192.0.2.2' }] } } })).toEqual({
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.2' }] } },
    });
  });

  it('merges conditions by type', () => {
    const orig = {
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'Other', status: 'True' },
        ],
      },
    };
    expect(smp(orig, { status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toEqual({
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Other', status: 'True' },
        ],
      },
    });
  });

  it('removes a map with $patch: delete', () => {
    expect(smp({ spec: { a: { b: 1 }, c: 1 } }, { spec: { a: { $patch: 'delete' } } })).toEqual({
      spec: { c: 1 },
    });
  });

  it('replaces a patchStrategy=replace field whole (PodDisruptionBudget selector)', () => {
    const pdb: SmpSchema = { fields: { spec: { fields: { selector: { replace: true } } } } };
    const orig = { spec: { selector: { matchLabels: { a: '1', b: '2' } }, maxUnavailable: 1 } };
    expect(applyStrategicMergePatch(orig, { spec: { selector: { matchLabels: { a: '1' } } } }, pdb)).toEqual({
      spec: { selector: { matchLabels: { a: '1' } }, maxUnavailable: 1 },
    });
  });

  it('rejects keyed elements without the merge key and unknown directives', () => {
    expect(() => smp({ spec: { ports: [{ port: 80 }] } }, { spec: { ports: [{ name: 'x' }] } })).toThrow(
      SmpError,
    );
    expect(() => smp({}, { spec: { $patch: 'explode' } })).toThrow(SmpError);
  });
});
