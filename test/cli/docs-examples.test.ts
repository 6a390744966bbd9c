// The YAML in the user guide works: every ```yaml block of the pages below is applied with
// `kubectl apply --dry-run=server` to an API server (the emulator) that has IronLB's CRDs, and
// every block's IronLB objects pass IronLB's own validation (@ironlb/config buildConfig) with
// no error. A page that gains a block gets it checked; a block that breaks fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  buildConfig,
  crdManifests,
  type BFDProfile,
  type BGPAdvertisement,
  type BGPPeer,
  type IPAddressPool,
  type L2Advertisement,
} from '@ironlb/config';
import { startEmulator, type Emulator } from '@ironlb/emulator';
import { repoRoot, Workspace } from './helpers.js';

const pages = [
  'concepts.md',
  'quick-start.md',
  'installation.md',
  'recipes.md',
  'operations.md',
  'migration-from-metallb.md',
  'comparison.md',
];

interface Block {
  page: string;
  line: number;
  text: string;
}

function yamlBlocks(): Block[] {
  const out: Block[] = [];
  for (const page of pages) {
    const lines = readFileSync(join(repoRoot, 'docs', page), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]?.trim() !== '```yaml') continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end]?.trim() !== '```') end++;
      out.push({ page, line: start + 1, text: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return out;
}

const blocks = yamlBlocks();
let emu: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emu = await startEmulator();
  ws = new Workspace(emu);
  const crds = ws.file(
    'crds.yaml',
    crdManifests()
      .map((c) => `---\n${JSON.stringify(c)}\n`)
      .join(''),
  );
  const r = await ws.kubectl(['apply', '-f', crds]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  ws?.cleanup();
  await emu?.close();
});

describe('YAML in the user guide', () => {
  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThan(8);
  });

  it.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))(
    '%s applies and validates',
    async (_where, block) => {
      const docs = parseAllDocuments(block.text).map(
        (d) => d.toJS() as { apiVersion: string; kind: string } | null,
      );
      expect(docs.every((d) => d && typeof d.kind === 'string')).toBe(true);
      const of = <T>(kind: string) => docs.filter((d) => d?.kind === kind) as unknown as T[];
      const { problems } = buildConfig(undefined, {
        ipAddressPools: of<IPAddressPool>('IPAddressPool'),
        l2Advertisements: of<L2Advertisement>('L2Advertisement'),
        bgpPeers: of<BGPPeer>('BGPPeer'),
        bgpAdvertisements: of<BGPAdvertisement>('BGPAdvertisement'),
        bfdProfiles: of<BFDProfile>('BFDProfile'),
      });
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      const file = ws.file('block.yaml', block.text);
      const r = await ws.kubectl(['apply', '--dry-run=server', '-f', file]);
      expect(r.code, r.stderr).toBe(0);
    },
  );
});
