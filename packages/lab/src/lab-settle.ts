// The last check of `lab up`: the speakers have settled and agree, and the network follows
// them, so that the status printed next (and read by scripts) says who announces what.
//
// Answering is not enough: while speakers start, a layer-2 address can move once from a node
// whose speaker came up first to the node that ranks first for it, and a SpeakerStatus lags
// its speaker by up to its rate limit (2 s). Settled means, all at once:
//   - every node's SpeakerStatus was written by the speaker started now (not left over from a
//     run before a crash), is Ready and shows every node's speaker Alive;
//   - each layer-2 sample address is listed by exactly one SpeakerStatus, and the client's
//     request to it is answered by that node;
//   - each BGP sample address is listed by every node (each advertises it).
import type { SpeakerStatus } from '@ironlb/config';
import type { HttpKubeApi } from '@ironlb/kube';
import type { Netns } from '@ironlb/netlab';

export interface SampleAddress {
  readonly ip: string;
  readonly mode: 'layer2' | 'bgp';
}

/**
 * What is not settled yet (one sentence), or undefined when everything is. `startedAt`: when
 * the speakers were started (epoch ms); older statuses do not count.
 */
export async function unsettled(
  api: HttpKubeApi,
  client: Netns,
  nodes: readonly string[],
  addresses: readonly SampleAddress[],
  startedAt: number,
): Promise<string | undefined> {
  const list = await api.request<{ items: SpeakerStatus[] }>({
    method: 'GET',
    path: '/apis/ironlb.io/v1beta1/speakerstatuses',
  });
  const byNode = new Map(list.items.map((s) => [s.spec.nodeName, s]));
  for (const node of nodes) {
    const s = byNode.get(node);
    if (!s?.status) return `${node} has written no SpeakerStatus yet`;
    // lastUpdateTime has whole seconds.
    if (!(Date.parse(s.status.lastUpdateTime ?? '') >= Math.floor(startedAt / 1000) * 1000))
      return `${node}'s SpeakerStatus is from before its speaker started`;
    const ready = s.status.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True')
      return `${node}'s speaker is not Ready (${ready?.reason ?? 'no condition'})`;
    const members = new Map((s.status.members ?? []).map((m) => [m.node, m.state]));
    const notAlive = nodes.filter((n) => members.get(n) !== 'Alive');
    if (notAlive.length > 0) return `${node}'s speaker does not see ${notAlive.join(', ')} alive yet`;
  }
  const announcing = (ip: string, protocol: string) =>
    nodes.filter((n) =>
      (byNode.get(n)?.status?.announcements ?? []).some((a) => a.ip === ip && a.protocol === protocol),
    );
  for (const { ip, mode } of addresses) {
    const by = announcing(ip, mode);
    if (mode === 'bgp') {
      if (by.length !== nodes.length) return `${ip} is advertised by ${by.join(', ') || 'no node'} only`;
      continue;
    }
    if (by.length !== 1) return `${ip} is announced by ${by.join(', ') || 'no node'}, not by one node`;
    const url = `http://${ip.includes(':') ? `[${ip}]` : ip}/`;
    const r = await client.exec(['curl', '-sS', '--noproxy', '*', '--max-time', '1', url], {
      timeoutMs: 3000,
    });
    const answer = r.code === 0 ? r.stdout.trim() : `no answer (${r.stderr.trim()})`;
    if (answer !== by[0]) return `${ip} is announced by ${by[0]} but answered by ${answer}`;
  }
  return undefined;
}
