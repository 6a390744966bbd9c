import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { electOwner, electionHash, electionKey, rankNodes } from './election.js';

const nodes = (names: string[], score = 0) => new Map(names.map((n) => [n, score]));

describe('electionHash', () => {
  it('is the first 52 bits of sha256(node#key)', () => {
    // sha256("node1#198.51.100.10") = ea2d0ecd... computed independently with `printf %s node1#198.51.100.10 | sha256sum`
    expect(electionHash('node1', '198.51.100.10')).toBe(parseInt('ea2d0ecde80c4', 16));
  });
});

describe('rankNodes', () => {
  it('orders by preference score, then by hash, the same whatever the input order', () => {
    const a = rankNodes('198.51.100.10', nodes(['node1', 'node2', 'node3', 'node4']));
    const b = rankNodes('198.51.100.10', nodes(['node4', 'node3', 'node2', 'node1']));
    expect(a).toEqual(b);
    const hashes = a.map((r) => r.hash);
    expect([...hashes].sort((x, y) => x - y)).toEqual(hashes);
    const preferred = rankNodes(
      '198.51.100.10',
      new Map([...nodes(['node1', 'node2', 'node3']), ['node3', 10]]),
    );
    expect(preferred[0]!.node).toBe('node3');
  });

  it('reuses the hashes of the previous ranking', () => {
    const first = rankNodes('k', nodes(['a', 'b']));
    const fake = first.map((r) => ({ ...r, hash: r.node === 'a' ? 1 : 2 }));
    const again = rankNodes('k', nodes(['a', 'b', 'c']), fake);
    expect(again.find((r) => r.node === 'a')!.hash).toBe(1);
    expect(again.find((r) => r.node === 'c')!.hash).toBe(electionHash('c', 'k'));
  });

  it('spreads addresses evenly over the nodes', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const owner = rankNodes(`198.51.${i >> 8}.${i & 255}`, nodes(['node1', 'node2', 'node3']))[0]!.node;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    for (const c of counts.values()) expect(c).toBeGreaterThan(850); // 1000 expected each
  });
});

describe('minimal movement (rendezvous hashing)', () => {
  const nodeNames = fc.uniqueArray(fc.stringMatching(/^node-[a-z0-9]{1,6}$/), {
    minLength: 2,
    maxLength: 12,
  });
  const key = fc.ipV4();

  it('removing a node moves only the addresses it owned, each to the next in its ranking', () => {
    fc.assert(
      fc.property(nodeNames, key, fc.nat(), (names, k, pick) => {
        const ranking = rankNodes(k, nodes(names));
        const gone = names[pick % names.length]!;
        const after = rankNodes(k, nodes(names.filter((n) => n !== gone)));
        if (ranking[0]!.node !== gone) expect(after[0]!.node).toBe(ranking[0]!.node);
        else expect(after[0]!.node).toBe(ranking[1]!.node);
      }),
    );
  });

  it('adding a node moves an address only to the new node', () => {
    fc.assert(
      fc.property(nodeNames, key, (names, k) => {
        const [added, ...rest] = names;
        const before = rankNodes(k, nodes(rest))[0]!.node;
        const after = rankNodes(k, nodes(names))[0]!.node;
        expect([before, added]).toContain(after);
      }),
    );
  });

  it('electing with nodes down is ranking without them', () => {
    fc.assert(
      fc.property(
        nodeNames,
        key,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (names, k, up) => {
          const isUp = (n: string) => up[names.indexOf(n)]!;
          const owner = electOwner(rankNodes(k, nodes(names)), isUp);
          const alive = names.filter(isUp);
          expect(owner).toBe(alive.length ? rankNodes(k, nodes(alive))[0]!.node : undefined);
        },
      ),
    );
  });
});

describe('electionKey', () => {
  it('is the lowest IPv4 address, else the lowest IPv6 address', () => {
    expect(electionKey(['2001:db8::1', '198.51.100.20', '198.51.100.3'])).toBe('198.51.100.3');
    expect(electionKey(['2001:db8::10', '2001:db8::9'])).toBe('2001:db8::9');
    expect(() => electionKey([])).toThrow(RangeError);
  });
});
