// Watch protocol details over raw HTTP (§6.13): bookmarks only on request, timeoutSeconds ends
// the stream cleanly, sendInitialEvents ends its replay with the initial-events-end bookmark,
// a compacted RV gets ERROR 410 and a future RV ERROR 504, both followed by a close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@ironlb/emulator';
import type { Emulator } from '@ironlb/emulator';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ bookmarkIntervalMs: 150 });
  for (const name of ['a', 'b'])
    await fetch(`${emu.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name } }),
    });
});
afterAll(async () => {
  await emu.close();
});

interface Ev {
  type: string;
  object: {
    metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    code?: number;
    reason?: string;
  };
}

/** Reads a whole watch stream (the server must end it); fails after `limitMs`. */
async function readWatch(query: string, limitMs = 5000): Promise<{ events: Ev[]; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(`${emu.url}/api/v1/namespaces/default/configmaps?watch=true&${query}`, {
    headers: { authorization: `Bearer ${emu.adminToken}` },
    signal: AbortSignal.timeout(limitMs),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return {
    events: text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Ev),
    ms: Date.now() - t0,
  };
}

describe('watch protocol', () => {
  it('sends bookmarks only when allowed, and ends at timeoutSeconds', async () => {
    const rv = emu.resourceVersion();
    const withBookmarks = await readWatch(`resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
    expect(withBookmarks.ms).toBeGreaterThanOrEqual(900);
    expect(withBookmarks.events.length).toBeGreaterThanOrEqual(2);
    expect(
      withBookmarks.events.every(
        (e) => e.type === 'BOOKMARK' && e.object.metadata.resourceVersion === String(rv),
      ),
    ).toBe(true);
    const without = await readWatch(`resourceVersion=${rv}&timeoutSeconds=1`);
    expect(without.events).toEqual([]);
  });

  it('replays the current state with sendInitialEvents and marks its end', async () => {
    const { events } = await readWatch(
      'sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1',
    );
    expect(events.slice(0, 2).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
      'ADDED:a',
      'ADDED:b',
    ]);
    expect(events[2]).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });

  it('answers a compacted RV with one ERROR 410 and a future RV with one ERROR 504', async () => {
    const old = Number(emu.resourceVersion()) - 1;
    emu.faults.compact();
    const gone = await readWatch(`resourceVersion=${old}`);
    expect(gone.events).toHaveLength(1);
    expect(gone.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    const future = await readWatch(`resourceVersion=${emu.resourceVersion() + 100}`);
    expect(future.events).toHaveLength(1);
    expect(future.events[0]).toMatchObject({ type: 'ERROR', object: { code: 504, reason: 'Timeout' } });
  });

  it('rejects an unsupported field selector with 400', async () => {
    const res = await fetch(
      `${emu.url}/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=data.x%3Dy`,
      {
        headers: { authorization: `Bearer ${emu.adminToken}` },
      },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('field label not supported: data.x');
  });
});

describe('list pages', () => {
  it('serves limit/continue pages that add up to the whole list, in key order', async () => {
    for (const name of ['c', 'd', 'e'])
      await fetch(`${emu.url}/api/v1/namespaces/default/configmaps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name } }),
      });
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const res = await fetch(
        `${emu.url}/api/v1/namespaces/default/configmaps?limit=2${cont ? `&continue=${cont}` : ''}`,
        {
          headers: { authorization: `Bearer ${emu.adminToken}` },
        },
      );
      const list = (await res.json()) as {
        metadata: { continue?: string; remainingItemCount?: number };
        items: { metadata: { name: string } }[];
      };
      names.push(...list.items.map((i) => i.metadata.name));
      cont = list.metadata.continue ?? '';
      pages++;
    } while (cont && pages < 10);
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
    const bad = await fetch(`${emu.url}/api/v1/namespaces/default/configmaps?continue=garbage`, {
      headers: { authorization: `Bearer ${emu.adminToken}` },
    });
    expect(bad.status).toBe(400);
  });
});

describe('custom resources served at several versions', () => {
  it('reads, lists, watches and patches through either version with that apiVersion', async () => {
    const h = { authorization: `Bearer ${emu.adminToken}`, 'content-type': 'application/json' };
    const schema = {
      openAPIV3Schema: {
        type: 'object',
        properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.multi.test' },
      spec: {
        group: 'multi.test',
        scope: 'Cluster',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [
          { name: 'v1alpha1', served: true, storage: true, schema },
          { name: 'v1beta1', served: true, storage: false, schema },
        ],
      },
    };
    expect(
      (
        await fetch(`${emu.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
          method: 'POST',
          headers: h,
          body: JSON.stringify(crd),
        })
      ).status,
    ).toBe(201);
    const base = (v: string) => `${emu.url}/apis/multi.test/${v}/gadgets`;
    const created = await fetch(base('v1alpha1'), {
      method: 'POST',
      headers: h,
      body: JSON.stringify({
        apiVersion: 'multi.test/v1alpha1',
        kind: 'Gadget',
        metadata: { name: 'g' },
        spec: { n: 1 },
      }),
    });
    expect(created.status).toBe(201);
    const watch = fetch(`${base('v1beta1')}?watch=true&timeoutSeconds=1`, { headers: h }).then((r) =>
      r.text(),
    );
    const got = (await (await fetch(`${base('v1beta1')}/g`, { headers: h })).json()) as {
      apiVersion: string;
    };
    expect(got.apiVersion).toBe('multi.test/v1beta1');
    const list = (await (await fetch(base('v1beta1'), { headers: h })).json()) as {
      items: { apiVersion: string }[];
    };
    expect(list.items.map((i) => i.apiVersion)).toEqual(['multi.test/v1beta1']);
    const patched = await fetch(`${base('v1beta1')}/g`, {
      method: 'PATCH',
      headers: { ...h, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { n: 2 } }),
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { apiVersion: string; spec: { n: number } }).spec.n).toBe(2);
    const events = (await watch)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { apiVersion: string } });
    expect(events.map((e) => `${e.type}:${e.object.apiVersion}`)).toEqual([
      'ADDED:multi.test/v1beta1',
      'MODIFIED:multi.test/v1beta1',
    ]);

    // A default added to the CRD later shows on reads of objects written before it.
    const crdUrl = `${emu.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.multi.test`;
    const cur = (await (await fetch(crdUrl, { headers: h })).json()) as {
      spec: {
        versions: {
          schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } };
        }[];
      };
    };
    for (const v of cur.spec.versions)
      v.schema.openAPIV3Schema.properties.spec.properties.color = { type: 'string', default: 'blue' };
    expect((await fetch(crdUrl, { method: 'PUT', headers: h, body: JSON.stringify(cur) })).status).toBe(200);
    const defaulted = (await (await fetch(`${base('v1alpha1')}/g`, { headers: h })).json()) as {
      spec: Record<string, unknown>;
    };
    expect(defaulted.spec).toEqual({ n: 2, color: 'blue' });
  });
});
